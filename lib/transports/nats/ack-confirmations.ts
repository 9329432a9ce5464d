import type { JsMsg } from '@nats-io/jetstream';
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { InboxRequests } from './inbox-requests.js';

const ACK = new TextEncoder().encode('+ACK');

/**
 * Confirmed JetStream acks for one subscription, many in flight at once and written in batches
 * (InboxRequests): the protocol of nats.js `ackAck()`, without its per-ack request object, timer
 * and errors.
 */
export class AckConfirmations {
  private readonly requests: InboxRequests;

  constructor(
    nc: NatsConnection,
    private readonly timeoutMs: number,
  ) {
    this.requests = new InboxRequests(nc, (_subject, timeoutMs) => `the JetStream server did not confirm the ack within ${timeoutMs} ms`);
  }

  /** Sends the ack of `msg` in this turn's write; resolves when the server confirmed it, rejects when it did not within the timeout. */
  ack(msg: JsMsg): Promise<void> {
    const reply = (msg as JsMsg & { reply?: string }).reply;
    if (!reply) return msg.ackAck({ timeout: this.timeoutMs }).then(() => undefined);
    return this.requests.request(reply, ACK, undefined, this.timeoutMs).then(confirmed);
  }

  /** Fails what is still waiting (the subscription is closing) and stops listening. */
  close(): void {
    this.requests.close(new Error('JetStream subscription closed before the server confirmed the ack'));
  }
}

function confirmed(reply: Msg): void {
  const status = reply.headers;
  if (!status?.hasError) return;
  const why = status.code === 503 ? 'no responders: the consumer is gone' : `${status.code} ${status.description}`;
  throw new Error(`the JetStream server did not take the ack: ${why}`);
}
