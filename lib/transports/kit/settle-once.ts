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
export function settleOnce({ message, settle, touch }: SettleOnceInit): SettleOnceDelivery {
  let settlement: Settlement | undefined;
  let settling: Promise<void> | undefined;
  const once = (next: Settlement): Promise<void> => {
    if (settling) return settling;
    settlement = next;
    settling = settle(next);
    return settling;
  };
  return {
    message,
    get settlement() {
      return settlement;
    },
    ack: () => once(ACK),
    reject: () => once(REJECT),
    nack: (options?: NackOptions) => once({ kind: 'nack', delayMs: Math.max(0, options?.delayMs ?? 0) }),
    touch: touch ?? (() => Promise.resolve()),
  };
}

const ACK: Settlement = { kind: 'ack' };
const REJECT: Settlement = { kind: 'reject' };
