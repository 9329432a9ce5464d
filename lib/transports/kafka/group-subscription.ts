import type { DeliveryHandler, SubscribeRequest } from '../transport.js';
import type { KafkaSubscribeOptions } from './kafka.options.js';
import { SlotPool } from './slot-pool.js';

/** One `subscribe()` call inside a group's consumer: what it matches and its in-flight slots. */
export class GroupSubscription {
  readonly topic: string | RegExp;
  readonly fromBeginning: boolean;
  readonly perKeyConcurrency: boolean;
  readonly handler: DeliveryHandler;
  readonly slots: SlotPool;
  closed = false;

  constructor(request: SubscribeRequest) {
    const options = request.options as KafkaSubscribeOptions;
    this.topic = parseTopic(request.topic, options.pattern === true);
    this.fromBeginning = options.fromBeginning === true;
    this.perKeyConcurrency = options.perKeyConcurrency === true;
    this.handler = request.handler;
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
