import type { Transport } from '../../lib/core/transport.js';

/**
 * One transport under the conformance suite. Each transport adds a file in ./targets that
 * default-exports one of these (or an array, e.g. NATS core and JetStream).
 */
export interface ConformanceTarget {
  /** Name used on the command line: `npm run test:conformance -- <name>`. */
  readonly name: string;
  /** Brokers `test/brokers/up` must start for it ('kafka', 'nats', 'rabbitmq', 'redis'). */
  readonly brokers: readonly string[];
  /** A new, unconnected transport talking to the test broker. Called once or more per test. */
  create(): Transport;
  /** A transport configured for a loopback address where no broker listens (real brokers). */
  createUnreachable?(): Transport;
  /** Subscriber options (`SubscribeRequest.options`) the suite passes on every subscribe. */
  readonly subscribeOptions?: Readonly<Record<string, unknown>>;
  /** How long to wait for messages before declaring them lost; slow brokers want more. */
  readonly deliveryTimeoutMs?: number;
  /** Time a fresh subscription needs before it receives (consumer group join, etc.). */
  readonly subscribeSettleMs?: number;
  /** In-process only (memory): cases that need two OS processes do not apply. */
  readonly singleProcess?: boolean;
  /**
   * How many messages of `topic` the broker still holds as not done for `group`: delivered but
   * not acknowledged, or not delivered yet (Kafka: end offset minus committed offset; JetStream:
   * the durable's ack-pending plus pending; RabbitMQ: the group's queue depth once its consumers
   * are gone; Redis Streams: the group's pending entries plus its lag; memory: outstanding).
   * Read from the broker itself, so a missing ack cannot pass as one. Persistent targets have it.
   */
  unsettled?(topic: string, group: string): Promise<number>;
  /**
   * What the broker holds for this transport's request/reply (subscriptions, consumers, queues,
   * topics), read from the broker or the client where it lets us: constant across requests
   * when nothing leaks per request.
   */
  replyResources?(transport: Transport): Promise<number>;
  /** Called before each case (e.g. a fresh in-memory broker). */
  reset?(): void;
}
