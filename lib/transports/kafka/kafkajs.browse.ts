import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { BrowsedMessages } from '../../core/browse.js';
import { browsedMessages, noBrowsedMessages } from '../kit/browsed-messages.js';
import { BROWSE_TIMEOUT_MS, replayGroupOf, ReplayGroupState, type ReplayPartitionInit } from './kafka.replay-group.js';

/**
 * Kafka cannot delete one record, so a topic is read by the replay consumer group
 * (`nestream-dlq-replay.<topic>`, one member: this browse), with autoCommit off: from its
 * committed offsets up to the end the topic had when the browse began. "Removing" a record
 * commits the group's offset past every removed record at the head, and keeps removed records
 * beyond that in the commit's metadata, so later browses skip them too (kafka.replay-group.ts,
 * shared with platformatic.browse.ts). One browse of a topic at a time: two would share the
 * group and split its partitions.
 */
export async function browseKafkaTopic(kafka: Kafka, admin: Admin, topic: string, limit: number): Promise<BrowsedMessages> {
  const groupId = replayGroupOf(topic);
  if (!(await admin.listTopics()).includes(topic)) return noBrowsedMessages();
  const state = new ReplayGroupState(await positions(admin, groupId, topic), limit);
  if (state.empty) return noBrowsedMessages();
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await readUntilEnd(consumer, topic, state);
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw error;
  }
  return browsedMessages(state.messages, {
    remove: async (message) => {
      const { partition, offset, metadata } = state.remove(message);
      await consumer.commitOffsets([{ topic, partition, offset: String(offset), metadata }]);
    },
    release: () => consumer.disconnect(),
  });
}

async function positions(admin: Admin, groupId: string, topic: string): Promise<ReplayPartitionInit[]> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return ends.map((end) => {
    const done = committed?.partitions.find((p) => p.partition === end.partition);
    return { partition: end.partition, low: BigInt(end.low), high: BigInt(end.high), committed: done ? BigInt(done.offset) : undefined, metadata: done?.metadata };
  });
}

/** Fetches every partition from the group's position to the end it had at the start, or until `limit` records. */
function readUntilEnd(consumer: Consumer, topic: string, state: ReplayGroupState): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Kafka browse of ${topic}: no end of the topic within ${BROWSE_TIMEOUT_MS} ms`)), BROWSE_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      consumer.pause([{ topic }]);
      resolve();
    };
    consumer
      .run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch }) => {
          for (const record of batch.messages) if (!state.offer(batch.partition, BigInt(record.offset), () => record)) break;
          if (state.done) done();
        },
      })
      .catch(reject);
  });
}
