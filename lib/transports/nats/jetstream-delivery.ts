import type { JsMsg } from '@nats-io/jetstream';
import type { Delivery, InboundMessage, NackOptions } from '../../core/message.js';
import { fromNatsHeaders } from './nats-headers.js';

export interface JetStreamDeliveryIo {
  /** Round trip to the server, so a nak / term / working is known to have left the client. */
  flush(): Promise<void>;
  /** How long `ack()` waits for the server's confirmation. */
  readonly ackTimeoutMs: number;
  /** Period of the automatic "working" signal while the delivery is unsettled. */
  readonly workingIntervalMs: number;
  /** Called once, when the delivery is settled (frees the subscription's slot). */
  onSettled(): void;
}

/**
 * One JetStream delivery. While it is unsettled it tells the server "working" every
 * `workingIntervalMs` (below AckWait), so a long handler's message is not redelivered to
 * another member meanwhile. Settling maps to ack (confirmed by the server), nak with delay,
 * or term.
 */
export class JetStreamDelivery implements Delivery {
  readonly message: InboundMessage;
  private settled = false;
  private readonly keepAlive: NodeJS.Timeout;

  constructor(
    private readonly msg: JsMsg,
    private readonly io: JetStreamDeliveryIo,
  ) {
    const { headers, key } = fromNatsHeaders(msg.headers);
    const deliveryCount = msg.info.deliveryCount;
    this.message = {
      topic: msg.subject,
      body: Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength),
      headers,
      key,
      deliveryAttempt: deliveryCount,
      redelivered: deliveryCount > 1,
      raw: msg,
    };
    this.keepAlive = setInterval(() => this.signalWorking(), io.workingIntervalMs);
    this.keepAlive.unref();
  }

  get isSettled(): boolean {
    return this.settled;
  }

  /** Resolves once the server confirmed the ack; rejects if it did not within `ackTimeoutMs`. */
  readonly ack = async (): Promise<void> => {
    if (!this.begin()) return;
    await this.msg.ackAck({ timeout: this.io.ackTimeoutMs });
  };

  /** The server redelivers after `delayMs`; the message is not held here meanwhile. */
  readonly nack = async (options?: NackOptions): Promise<void> => {
    if (!this.begin()) return;
    const delayMs = options?.delayMs ?? 0;
    this.msg.nak(delayMs > 0 ? Math.ceil(delayMs) : undefined);
    await this.io.flush();
  };

  readonly reject = async (): Promise<void> => {
    if (!this.begin()) return;
    this.msg.term();
    await this.io.flush();
  };

  readonly touch = async (): Promise<void> => {
    if (this.settled) return;
    this.msg.working();
    await this.io.flush();
  };

  /** Stops the keep-alive without telling the server anything (the transport is going away). */
  dispose(): void {
    clearInterval(this.keepAlive);
  }

  private begin(): boolean {
    if (this.settled) return false;
    this.settled = true;
    clearInterval(this.keepAlive);
    this.io.onSettled();
    return true;
  }

  private signalWorking(): void {
    try {
      this.msg.working();
    } catch {
      // Connection closed: the server redelivers after AckWait, which is the right outcome.
    }
  }
}
