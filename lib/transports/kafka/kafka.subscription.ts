import type { BatchSubscribeRequest, SubscribeRequest } from '../../core/transport.js';
import type { SettleOnceDelivery } from '../kit/settle-once.js';
import { SlotPool } from '../kit/slot-pool.js';
import { chunkedConsumer } from './consumers/chunked.consumer.js';
import { inOrderConsumer } from './consumers/in-order.consumer.js';
import type { PartitionConsumer } from './consumers/partition.js';
import { perKeyConsumer } from './consumers/per-key.consumer.js';
import type { KafkaSubscribeOptions } from './kafka.options.js';

/**
 * One `subscribe()` call inside a group's member: what it matches, how it walks a fetched
 * partition (its consumer kind), and its in-flight slots (deliveries, or batches in batch mode).
 */
export class KafkaSubscription {
  readonly topic: string | RegExp;
  readonly fromBeginning: boolean;
  readonly consume: PartitionConsumer;
  /** Calls the subscription's handler on one delivery, or on a batch handler's chunk. */
  readonly handle: (deliveries: readonly SettleOnceDelivery[]) => Promise<void>;
  readonly slots: SlotPool;
  closed = false;

  /** `options` were checked against KAFKA_SUBSCRIBER_OPTIONS by the transport. */
  constructor(request: SubscribeRequest | BatchSubscribeRequest, options: KafkaSubscribeOptions) {
    this.topic = parseTopic(request.topic, options.pattern === true);
    this.fromBeginning = options.fromBeginning === true;
    this.slots = new SlotPool(Math.max(1, request.concurrency));
    if ('maxSize' in request) {
      this.consume = chunkedConsumer(request.maxSize);
      this.handle = (deliveries) => request.handler(deliveries);
    } else {
      this.consume = options.perKeyConcurrency === true ? perKeyConsumer : inOrderConsumer;
      this.handle = (deliveries) => request.handler(deliveries[0]!);
    }
  }

  matches(topic: string): boolean {
    return typeof this.topic === 'string' ? this.topic === topic : this.topic.test(topic);
  }
}

/** `orders` is a topic; `/^orders\./` (or any topic with `pattern: true`) is a regular expression. */
export function parseTopic(topic: string, pattern: boolean): string | RegExp {
  const literal = /^\/(.+)\/([a-z]*)$/.exec(topic);
  if (literal) return new RegExp(literal[1]!, literal[2]);
  return pattern ? new RegExp(topic) : topic;
}
