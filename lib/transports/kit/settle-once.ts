import type { Delivery, InboundMessage, NackOptions } from '../../core/message.js';

/** How a delivery was settled; a nack carries the delay it asked for (0 = at once). */
export type Settlement = { readonly kind: 'ack' } | { readonly kind: 'nack'; readonly delayMs: number } | { readonly kind: 'reject' };

/** What a broker does for each way of settling one of its messages. */
export interface BrokerSettle {
  (settlement: Settlement): Promise<void>;
}

/** A Delivery that settles at most once and says how. */
export interface SettleOnceDelivery extends Delivery {
  /** The first settlement asked for, or undefined while the message is open. */
  readonly settlement: Settlement | undefined;
}

export interface SettleOnceInit {
  readonly message: InboundMessage;
  /** Runs once, with the first settlement; later ack/nack/reject calls share its promise. */
  readonly settle: BrokerSettle;
  /** Keeps a long handler's message from being redelivered (JetStream in-progress, Kafka heartbeat). */
  readonly touch?: () => Promise<void>;
}

/**
 * The one settle-at-most-once every transport uses: the first of ack / nack / reject decides,
 * and the broker hears only that one, so a handler that settles by hand and the chain that
 * settles after it can never both reach the broker.
 */
export function settleOnce(init: SettleOnceInit): SettleOnceDelivery {
  return new OnceDelivery(init.message, init.settle, init.touch ?? nothingToTouch);
}

/**
 * A class, not an object of closures: one allocation per delivery rather than six (this is
 * made for every message). Callers call its methods on the delivery (`delivery.ack()`), never
 * detached.
 */
class OnceDelivery implements SettleOnceDelivery {
  settlement: Settlement | undefined;
  private settling: Promise<void> | undefined;

  constructor(
    readonly message: InboundMessage,
    private readonly settleWith: BrokerSettle,
    readonly touch: () => Promise<void>,
  ) {}

  ack(): Promise<void> {
    return this.once(ACK);
  }

  reject(): Promise<void> {
    return this.once(REJECT);
  }

  nack(options?: NackOptions): Promise<void> {
    return this.once({ kind: 'nack', delayMs: Math.max(0, options?.delayMs ?? 0) });
  }

  private once(next: Settlement): Promise<void> {
    if (this.settling) return this.settling;
    this.settlement = next;
    this.settling = this.settleWith(next);
    return this.settling;
  }
}

const nothingToTouch = (): Promise<void> => Promise.resolve();
const ACK: Settlement = { kind: 'ack' };
const REJECT: Settlement = { kind: 'reject' };
