import type { MessageHeaders } from './headers.js';

/** A message as a transport received it, before any decoding. Broker-agnostic. */
export interface InboundMessage {
  /** Topic, subject, routing key or stream the message came from. */
  readonly topic: string;
  readonly body: Buffer;
  readonly headers: MessageHeaders;
  readonly key?: string;
  /** 1-based count of deliveries of this message by the broker (1 = first delivery). */
  readonly deliveryAttempt: number;
  /** True when the broker says this is a redelivery. */
  readonly redelivered: boolean;
  /** Where a reply goes, when the message is a request (NATS reply subject, AMQP reply_to, `reply_to` header). */
  readonly replyTo?: string;
  /** The native message (kafkajs EachMessagePayload, JsMsg, amqplib ConsumeMessage, ...). */
  readonly raw: unknown;
}

/** A message on its way to a broker, already encoded. */
export interface OutboundMessage {
  topic: string;
  body: Buffer;
  headers: MessageHeaders;
  key?: string;
  /** Broker-specific options (Kafka partition, Rabbit exchange, JetStream expectations, ...). */
  options?: Record<string, unknown>;
}

export interface NackOptions {
  /** Ask the broker to redeliver after this delay; 0 or absent means as soon as possible. */
  delayMs?: number;
}

/**
 * One delivery of an inbound message and the means to settle it. A transport creates one
 * per delivery; the consume chain settles it exactly once (ack, nack or reject).
 */
export interface Delivery {
  readonly message: InboundMessage;
  /** Done: the broker forgets it (commit offset, XACK, basic.ack, JetStream ack). */
  ack(): Promise<void>;
  /** Not done: the broker delivers it again, after `delayMs` where the broker can delay. */
  nack(options?: NackOptions): Promise<void>;
  /** Never deliver again (JetStream term, basic.reject without requeue). */
  reject(): Promise<void>;
  /** Tell the broker a long handler is still working (JetStream in-progress, Kafka heartbeat). */
  touch?(): Promise<void>;
}
