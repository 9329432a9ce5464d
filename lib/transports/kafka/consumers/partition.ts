import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { GroupSubscription } from './group-subscription.js';
import { deliverChunk } from './kafka-dispatch.js';
import type { KafkaRawMessage } from './kafka.context.js';
import { PartitionOffsetTracker } from './offset-tracker.js';

/** What a batch needs from the group consumer that fetched it. */
export interface BatchHost {
  /** False once this batch must take no new message (stopping, rebalancing, new epoch). */
  accepting(epoch: number): boolean;
  /** The open subscription that handles this topic, the one with most free slots. */
  route(topic: string): GroupSubscription | undefined;
  /** Positions settled in order; committed later, in batches. */
  stage(topic: string, partition: number, lastSettledOffset: string, epoch: number): void;
  flush(): Promise<void>;
  /** Waits `ms`, or less if the group stops or rebalances meanwhile. */
  sleep(ms: number): Promise<void>;
  heartbeatFailed(error: unknown): void;
  heartbeatIntervalMs: number;
}

/**
 * Handles one fetched batch of one partition. By default one message at a time, in offset
 * order; batch subscriptions get it in chunks of at most `maxSize`, one chunk at a time; with `perKeyConcurrency` messages of different keys overlap and each key stays in
 * order. A nack holds the message and runs it again in place (later messages of the
 * partition, or of the key, wait), so order survives retries. When the group stops or
 * rebalances, no new message starts; in-flight ones finish, and only positions settled
 * without a gap are committed: the rest is fetched again by whoever owns the partition next.
 */
export async function handleBatch(payload: EachBatchPayload, host: BatchHost, epoch: number): Promise<void> {
  const { batch } = payload;
  const { topic, partition } = batch;
  const tracker = new PartitionOffsetTracker(batch.messages.map((m) => m.offset));
  const heartbeat = (): Promise<void> => payload.heartbeat();
  // kafkajs heartbeats only between batches; a long batch keeps the membership alive itself.
  const keepAlive = setInterval(() => heartbeat().catch((error: unknown) => host.heartbeatFailed(error)), host.heartbeatIntervalMs);

  const settled = (offset: string): void => {
    const upTo = tracker.settle(offset);
    if (upTo === undefined) return;
    payload.resolveOffset(upTo);
    host.stage(topic, partition, upTo, epoch);
  };

  /**
   * Runs messages (one, or a batch handler's chunk) until each is acked or rejected; nacked ones
   * run again, in place. False if they were abandoned (stopping, rebalancing).
   */
  const run = async (messages: readonly KafkaMessage[]): Promise<boolean> => {
    let pending = messages;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const subscription = host.accepting(epoch) ? host.route(topic) : undefined;
      if (!subscription) return false;
      await subscription.slots.acquire();
      if (subscription.closed || !host.accepting(epoch)) {
        subscription.slots.release();
        return false;
      }
      const raws = pending.map((message): KafkaRawMessage => ({ topic, partition, message, heartbeat }));
      const outcomes = await deliverChunk(subscription, raws, attempt);
      const again: KafkaMessage[] = [];
      let delayMs = 0;
      outcomes.forEach((outcome, i) => {
        if (outcome.kind === 'done') return settled(pending[i]!.offset);
        again.push(pending[i]!);
        delayMs = Math.max(delayMs, outcome.delayMs);
      });
      pending = again;
      // Always through a timer, so a message nacked again and again cannot starve the event loop.
      if (pending.length > 0) await host.sleep(delayMs);
    }
    return true;
  };

  try {
    const routed = host.route(topic);
    const perKey = routed?.perKeyConcurrency === true;
    if (routed?.handler.kind === 'batch') {
      const { maxSize } = routed.handler;
      for (let start = 0; start < batch.messages.length; start += maxSize) {
        if (!(await run(batch.messages.slice(start, start + maxSize)))) break;
      }
    } else if (!perKey) {
      for (const message of batch.messages) if (!(await run([message]))) break;
    } else {
      const lastOfKey = new Map<string, Promise<boolean>>();
      const all: Promise<boolean>[] = [];
      for (const message of batch.messages) {
        const key = message.key?.toString('utf8');
        const previous = key === undefined ? undefined : lastOfKey.get(key);
        const next = previous ? previous.then((ok) => ok && run([message])) : run([message]);
        if (key !== undefined) lastOfKey.set(key, next);
        all.push(next);
      }
      await Promise.all(all);
    }
  } finally {
    clearInterval(keepAlive);
    await host.flush();
  }
}
