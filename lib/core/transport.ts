import type { BrowsedMessages } from './browse.js';
import type { Delivery, InboundMessage, OutboundMessage } from './message.js';
import type { MessageContext, MessageContextInit } from './message-context.js';

/**
 * What a broker can promise. Generic code (retry, the shared conformance suite) asks these
 * instead of checking which transport it has.
 */
export interface TransportCapabilities {
  /** Members of one group share the messages; each group gets every message. */
  readonly consumerGroups: boolean;
  /** A message published while no member of a group is consuming waits for that group. */
  readonly persistent: boolean;
  /** Messages with the same key are handled one after another, in publish order. */
  readonly orderedPerKey: boolean;
  /** At-most-once: a message may be lost (core NATS, Redis Pub/Sub). */
  readonly lossy: boolean;
  /** `nack({ delayMs })` makes the broker redeliver later without holding the message in memory. */
  readonly nativeDelayedRedelivery: boolean;
}

export type DeliveryHandler = (delivery: Delivery) => Promise<void>;

export interface SubscribeRequest {
  /** Topic, subject, routing key or stream. */
  readonly topic: string;
  /** Consumer group (Kafka group, NATS queue group / durable, Rabbit queue, Redis group). */
  readonly group: string;
  /** At most this many deliveries of this subscription in flight at once. */
  readonly concurrency: number;
  /** Transport-specific subscriber options, documented by each transport. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly handler: DeliveryHandler;
  /**
   * The handler acks each delivery as its last step (ack policy `'after'`), so a transport
   * that waits for the broker to confirm an ack may free the delivery's slot as soon as the ack
   * is sent (JetStream). Unset: a slot is held until the handler returns.
   */
  readonly acksLast?: boolean;
}

export type BatchDeliveryHandler = (deliveries: readonly Delivery[]) => Promise<void>;

/** A subscription whose handler takes several deliveries at once; it settles each of them. */
export interface BatchSubscribeRequest extends Omit<SubscribeRequest, 'handler' | 'concurrency'> {
  /** At most this many deliveries per call. */
  readonly maxSize: number;
  /** How long a transport that gathers deliveries one by one waits to fill a batch. */
  readonly maxWaitMs: number;
  /** Batches of this subscription in flight at once. */
  readonly concurrency: number;
  readonly handler: BatchDeliveryHandler;
}

export interface Subscription {
  /**
   * Stop taking new messages; hand every message received but not yet started back to the
   * broker at once (so another member, or the next start, gets it without waiting out an ack
   * timeout); then resolve once every started delivery has been settled.
   */
  close(): Promise<void>;
}

export interface TransportRequestOptions {
  /** Reject with a RequestTimeoutError when no reply came within this long. */
  readonly timeoutMs: number;
  /** The app's serviceName, for brokers whose reply address is named (Kafka's reply topic). */
  readonly service: string;
}

export interface TransportHealth {
  readonly status: 'up' | 'down' | 'connecting';
  readonly subscriptions: number;
  readonly lastError?: string;
}

/**
 * One broker connection. Knows its broker and nothing about Nest, validation or retry.
 * Broker client libraries are loaded inside `connect()`, so apps that never use a transport
 * never load its client.
 */
export interface Transport {
  /** 'memory', 'kafka', 'nats', 'jetstream', 'rabbitmq', 'redis-streams', 'redis-pubsub', ... */
  readonly kind: string;
  readonly capabilities: TransportCapabilities;
  /** Idempotent; concurrent callers share one attempt. */
  connect(): Promise<void>;
  subscribe(request: SubscribeRequest): Promise<Subscription>;
  /**
   * Hands batches the broker fetched together (Kafka: a partition's fetch). Transports without
   * it get batches gathered from `subscribe()` deliveries by nestream (see BatchGatherer).
   */
  subscribeBatch?(request: BatchSubscribeRequest): Promise<Subscription>;
  /** Resolves once the broker has accepted the message; rejects (never resolves) if it did not. */
  publish(message: OutboundMessage): Promise<void>;
  /**
   * Request/reply: publishes `message` with this transport's reply address (one reply listener
   * per transport, made on the first request and closed with it) and resolves with the reply
   * whose correlation id is the message's; rejects with a RequestTimeoutError. Optional.
   */
  request?(message: OutboundMessage, options: TransportRequestOptions): Promise<InboundMessage>;
  /** Sends `message` to the reply address of `request` (which has `replyTo`). With `request`. */
  reply?(request: InboundMessage, message: OutboundMessage): Promise<void>;
  /**
   * The problems of one subscriber's `transportOptions` (unknown keys, bad values), checked at
   * bootstrap so a typo fails there, naming the handler. Empty when they are fine.
   */
  checkSubscriberOptions?(options: Readonly<Record<string, unknown>>): readonly string[];
  /** Drains subscriptions still open, then disconnects. Idempotent. */
  close(): Promise<void>;
  health(): TransportHealth;
  /** The native client, for what nestream does not cover. */
  unwrap<T = unknown>(): T;
  /** Transports with broker-specific getters return a subclass (KafkaContext, NatsContext, ...). */
  createContext?(init: MessageContextInit): MessageContext;
  /**
   * Up to `limit` messages of `topic`, oldest first, read without consuming them (dead-letter
   * inspection and replay, docs/dead-letters.md); each transport documents how.
   */
  browse?(topic: string, limit: number): Promise<BrowsedMessages>;
}

