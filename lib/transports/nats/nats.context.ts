import type { JsMsg } from '@nats-io/jetstream';
import type { Msg, MsgHdrs } from '@nats-io/transport-node';
import { MessageContext } from '../../core/message-context.js';

/**
 * `@Ctx() ctx: NatsContext` in a handler on a NATS transport: the MessageContext plus what
 * NATS knows about the delivery. JetStream-only getters are undefined for core NATS.
 */
export class NatsContext extends MessageContext {
  /** The subject the message was published to (a wildcard subscription sees the concrete one). */
  get subject(): string {
    return this.message.topic;
  }

  /** True when the message came from a JetStream consumer. */
  get isJetStream(): boolean {
    return isJsMsg(this.message.raw);
  }

  /** JetStream: name of the stream that stores the message. */
  get stream(): string | undefined {
    return this.jsMsg?.info.stream;
  }

  /** JetStream: name of the durable consumer that delivered it. */
  get consumer(): string | undefined {
    return this.jsMsg?.info.consumer;
  }

  /** JetStream: the message's sequence number in its stream. */
  get streamSequence(): number | undefined {
    return this.jsMsg?.seq;
  }

  /** How many times the server has delivered this message (1 = first time; always 1 in core NATS). */
  get deliveryCount(): number {
    return this.jsMsg?.info.deliveryCount ?? 1;
  }

  /** JetStream: messages still waiting for this consumer after this one. */
  get pending(): number | undefined {
    return this.jsMsg?.info.pending;
  }

  /** The headers as the NATS client holds them (multi-valued, case as sent). */
  get natsHeaders(): MsgHdrs | undefined {
    return this.natsMessage.headers;
  }

  /** The nats.js message: a `JsMsg` on JetStream, a core `Msg` otherwise. */
  get natsMessage(): Msg | JsMsg {
    return this.message.raw as Msg | JsMsg;
  }

  private get jsMsg(): JsMsg | undefined {
    const raw = this.message.raw;
    return isJsMsg(raw) ? raw : undefined;
  }
}

function isJsMsg(raw: unknown): raw is JsMsg {
  return typeof raw === 'object' && raw !== null && 'ackAck' in raw && 'info' in raw;
}
