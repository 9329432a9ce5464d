import type { BatchDeliveryHandler, BatchSubscribeRequest, DeliveryHandler, SubscribeRequest } from '../../core/transport.js';
import type { KafkaSubscribeOptions } from './kafka.options.js';
import { SlotPool } from '../kit/slot-pool.js';

/** How a subscription takes its messages: one at a time, or a fetched partition's messages in chunks. */
export type SubscriptionHandler =
  | { readonly kind: 'single'; readonly handle: DeliveryHandler }
  | { readonly kind: 'batch'; readonly handle: BatchDeliveryHandler; readonly maxSize: number };

/**
 * One `subscribe()` call inside a group's consumer: what it matches and its in-flight slots
 * (deliveries, or batches in batch mode).
 */
export class GroupSubscription {
  readonly topic: string | RegExp;
  readonly fromBeginning: boolean;
  readonly perKeyConcurrency: boolean;
  readonly handler: SubscriptionHandler;
  readonly slots: SlotPool;
  closed = false;

  constructor(request: SubscribeRequest | BatchSubscribeRequest) {
    const options = request.options as KafkaSubscribeOptions;
    this.topic = parseTopic(request.topic, options.pattern === true);
    this.fromBeginning = options.fromBeginning === true;
    this.perKeyConcurrency = options.perKeyConcurrency === true;
    this.handler = 'maxSize' in request ? { kind: 'batch', handle: request.handler, maxSize: request.maxSize } : { kind: 'single', handle: request.handler };
    this.slots = new SlotPool(Math.max(1, request.concurrency));
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
