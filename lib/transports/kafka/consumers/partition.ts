import { callSafely } from '../../kit/safe-call.js';
import type { FetchedBatch } from '../kafka.connection.js';
import type { KafkaRawMessage, KafkaRecord } from '../kafka.context.js';
import { kafkaDelivery } from '../kafka.delivery.js';
import { PartitionOffsetTracker } from '../kafka.offsets.js';
import type { KafkaSubscription } from '../kafka.subscription.js';

/**
 * Runs messages (one, or a batch handler's chunk) until each is acked or rejected; nacked ones
 * run again, in place. Resolves false if they were abandoned (closing, rebalancing).
 */
export type RunMessages = (messages: readonly KafkaRecord[]) => Promise<boolean>;

/** How one kind of subscription walks the messages of a fetched partition (see the *.consumer.ts files). */
export type PartitionConsumer = (messages: readonly KafkaRecord[], run: RunMessages) => Promise<void>;

/** What a partition's batch needs from the group that fetched it. */
export interface PartitionHost {
  /** False once this batch must start nothing new (closing, rebalancing, a newer epoch). */
  accepting(epoch: number): boolean;
  /** The open subscription that handles this topic, the one with most free slots. */
  route(topic: string): KafkaSubscription | undefined;
  /** Positions settled in order; committed later, in batches. */
  stage(topic: string, partition: number, lastSettledOffset: string, epoch: number): void;
  flush(): Promise<void>;
  /** Waits `ms` before a nacked message runs again, or less if the group closes or rebalances meanwhile. */
  sleep(ms: number): Promise<void>;
  /** A handler threw: logged, never thrown into the consumer. */
  handlerFailed(error: unknown): void;
}

/**
 * Handles one fetched batch of one partition with the consumer kind of the subscription that
 * takes its topic. A nack holds the message and runs it again in place (later messages of the
 * partition, or of the key, wait), so order survives retries. When the group closes or
 * rebalances, no new message starts; started ones finish, and only positions settled without
 * a gap are committed: the rest is fetched again by whoever owns the partition next.
 */
export async function consumePartition(batch: FetchedBatch, host: PartitionHost, epoch: number): Promise<void> {
  const { topic, partition } = batch;
  const tracker = new PartitionOffsetTracker(batch.messages.map((m) => m.offset));

  const settled = (offset: string): void => {
    const upTo = tracker.settle(offset);
    if (upTo === undefined) return;
    batch.resolveOffset(upTo);
    host.stage(topic, partition, upTo, epoch);
  };

  const run: RunMessages = async (messages) => {
    let pending = messages;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const subscription = host.accepting(epoch) ? host.route(topic) : undefined;
      if (!subscription) return false;
      await subscription.slots.acquire();
      if (subscription.closed || !host.accepting(epoch)) {
        subscription.slots.release();
        return false;
      }
      const deliveries = pending.map((message) => kafkaDelivery(raw(batch, message), attempt));
      // Resolves once the handler returned; what it left unsettled is nacked (run again).
      await callSafely(() => subscription.handle(deliveries), deliveries, (error) => host.handlerFailed(error));
      subscription.slots.release();
      const again: KafkaRecord[] = [];
      let delayMs = 0;
      deliveries.forEach(({ settlement }, i) => {
        if (settlement && settlement.kind !== 'nack') return settled(pending[i]!.offset);
        again.push(pending[i]!);
        delayMs = Math.max(delayMs, settlement?.delayMs ?? 0);
      });
      pending = again;
      // Always through a timer, so a message nacked again and again cannot starve the event loop.
      if (pending.length > 0) await host.sleep(delayMs);
    }
    return true;
  };

  try {
    const subscription = host.route(topic);
    if (subscription) await subscription.consume(batch.messages, run);
  } finally {
    await host.flush();
  }
}

function raw(batch: FetchedBatch, message: KafkaRecord): KafkaRawMessage {
  return { topic: batch.topic, partition: batch.partition, message, heartbeat: batch.heartbeat };
}
