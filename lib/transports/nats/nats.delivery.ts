import type { JsMsg } from '@nats-io/jetstream';
import type { Msg } from '@nats-io/transport-node';
import { Headers } from '../../core/headers.js';
import type { InboundMessage } from '../../core/message.js';
import { settleOnce, type SettleOnceDelivery, type Settlement } from '../kit/settle-once.js';
import { fromNatsHeaders } from './nats.headers.js';

/**
 * A core NATS delivery. Core NATS is at-most-once: there is nothing to tell the server, so
 * settling only marks it done (the dispatcher frees the slot when the handler returns).
 */
export function coreDelivery(msg: Msg): SettleOnceDelivery {
  return settleOnce({ message: inboundMessage(msg, 1, msg.reply), settle: nothingToTell });
}

export interface JetStreamSettleIo {
  /** A bounded round trip, so a nak / term / working is known to have left the client. */
  flush(): Promise<void>;
  /** How long `ack()` waits for the server's confirmation. */
  readonly ackTimeoutMs: number;
  /** Period of the automatic "working" signal while the delivery is unsettled. */
  readonly workingIntervalMs: number;
}

/**
 * A JetStream delivery. While it is unsettled it tells the server "working" every
 * `workingIntervalMs` (below AckWait), so a long handler's message is not redelivered to
 * another member meanwhile. Settling maps to ack (confirmed by the server), nak with delay
 * (the server holds the message, not us), or term.
 */
export function jetStreamDelivery(msg: JsMsg, io: JetStreamSettleIo): SettleOnceDelivery {
  let open = true;
  const keepAlive = setInterval(() => signalWorking(msg), io.workingIntervalMs);
  keepAlive.unref();
  const settle = async (settlement: Settlement): Promise<void> => {
    open = false;
    clearInterval(keepAlive);
    switch (settlement.kind) {
      case 'ack':
        await msg.ackAck({ timeout: io.ackTimeoutMs });
        return;
      case 'nack':
        msg.nak(settlement.delayMs > 0 ? Math.ceil(settlement.delayMs) : undefined);
        return io.flush();
      case 'reject':
        msg.term();
        return io.flush();
    }
  };
  const touch = async (): Promise<void> => {
    if (!open) return;
    msg.working();
    await io.flush();
  };
  // A JetStream message's own reply subject is its ack subject: requests name their inbox in `reply_to` (FastStream's header).
  return settleOnce({ message: inboundMessage(msg, msg.info.deliveryCount, msg.headers?.get(Headers.replyTo) || undefined), settle, touch });
}

function inboundMessage(msg: Msg | JsMsg, deliveryAttempt: number, replyTo: string | undefined): InboundMessage {
  const { headers, key } = fromNatsHeaders(msg.headers);
  return {
    topic: msg.subject,
    body: Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength),
    headers,
    key,
    ...(replyTo ? { replyTo } : {}),
    deliveryAttempt,
    redelivered: deliveryAttempt > 1,
    raw: msg,
  };
}

const nothingToTell = (): Promise<void> => Promise.resolve();

function signalWorking(msg: JsMsg): void {
  try {
    msg.working();
  } catch {
    // Connection closed: the server redelivers after AckWait, which is the right outcome.
  }
}
