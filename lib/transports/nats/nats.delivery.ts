import type { JsMsg } from '@nats-io/jetstream';
import type { Msg } from '@nats-io/transport-node';
import { Headers, type MessageHeaders } from '../../core/headers.js';
import type { InboundMessage } from '../../core/message.js';
import { settleOnce, type SettleOnceDelivery, type Settlement } from '../kit/settle-once.js';
import { inboundNatsHeaders } from './nats.raw-headers.js';

/**
 * A core NATS delivery. Core NATS is at-most-once: there is nothing to tell the server, so
 * settling only marks it done (the dispatcher frees the slot when the handler returns).
 */
export function coreDelivery(msg: Msg): SettleOnceDelivery {
  return settleOnce({ message: inboundMessage(msg, 1, () => msg.reply), settle: nothingToTell });
}

export interface JetStreamSettleIo {
  /** A bounded round trip, so a nak / term / working is known to have left the client. */
  flush(): Promise<void>;
  /** Sends a confirmed ack and resolves on the server's confirmation; unset: a plain `ack()`, never confirmed. */
  readonly confirmAck?: (msg: JsMsg) => Promise<void>;
  /** Period of the automatic "working" signal while the delivery is unsettled. */
  readonly workingIntervalMs: number;
}

/** A JetStream delivery that says when its ack has been written, before the server confirms it. */
export interface JetStreamDelivery extends SettleOnceDelivery {
  /**
   * Resolves once an ack is on its way to the server (confirmed or not). The consumer frees the
   * delivery's slot then, so the confirmations of many acks are awaited at once.
   */
  readonly ackSent: Promise<void>;
}

/**
 * A JetStream delivery. While it is unsettled it tells the server "working" every
 * `workingIntervalMs` (below AckWait), so a long handler's message is not redelivered to
 * another member meanwhile. Settling maps to ack (confirmed by the server unless `ackAck` is
 * off), nak with delay (the server holds the message, not us), or term.
 */
export function jetStreamDelivery(msg: JsMsg, io: JetStreamSettleIo): JetStreamDelivery {
  let open = true;
  let markSent!: () => void;
  const ackSent = new Promise<void>((resolve) => (markSent = resolve));
  const keepAlive = setInterval(() => signalWorking(msg), io.workingIntervalMs);
  keepAlive.unref();
  const settle = async (settlement: Settlement): Promise<void> => {
    open = false;
    clearInterval(keepAlive);
    switch (settlement.kind) {
      case 'ack': {
        if (!io.confirmAck) {
          msg.ack();
          return markSent();
        }
        // The ack is written at once; what is awaited is the server's reply.
        const confirmed = io.confirmAck(msg);
        markSent();
        return confirmed;
      }
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
  return Object.assign(settleOnce({ message: inboundMessage(msg, msg.info.deliveryCount, (headers) => headers[Headers.replyTo]), settle, touch }), { ackSent });
}

/** `replyOf`: where a request's reply goes (core NATS: the reply subject; JetStream: the `reply_to` header). */
function inboundMessage(msg: Msg | JsMsg, deliveryAttempt: number, replyOf: (headers: MessageHeaders) => string | undefined): InboundMessage {
  const { headers, key } = inboundNatsHeaders(msg);
  const replyTo = replyOf(headers) || undefined;
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
