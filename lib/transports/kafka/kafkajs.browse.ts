import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { BrowsedMessage, BrowsedMessages } from '../../core/browse.js';
import { browsedMessages, noBrowsedMessages } from '../kit/browsed-messages.js';
import { decodeHeaders } from './kafka.headers.js';

/** How long a browse waits for the replay group to join and fetch to the end of the topic. */
const BROWSE_TIMEOUT_MS = 60_000;

/** The consumer group whose committed offsets say which records of a topic were removed (replayed). */
export function replayGroupOf(topic: string): string {
  return `nestream-dlq-replay.${topic}`;
}

interface PartitionState {
  /** The group's committed offset: every record before it was removed. */
  committed: bigint;
  /** Records at or after `committed` removed too (a replay by handler skips records between). */
  readonly removed: Set<bigint>;
  /** The end of the partition when the browse began. */
  readonly high: bigint;
}

/**
 * Kafka cannot delete one record, so a topic is read by the replay consumer group
 * (`nestream-dlq-replay.<topic>`, one member: this browse), with autoCommit off: from its
 * committed offsets up to the end the topic had when the browse began. "Removing" a record
 * commits the group's offset past every removed record at the head, and keeps removed records
 * beyond that in the commit's metadata, so later browses skip them too. One browse of a topic
 * at a time: two would share the group and split its partitions.
 */
export async function browseKafkaTopic(kafka: Kafka, admin: Admin, topic: string, limit: number): Promise<BrowsedMessages> {
  const groupId = replayGroupOf(topic);
  if (!(await admin.listTopics()).includes(topic)) return noBrowsedMessages();
  const partitions = await positions(admin, groupId, topic);
  const messages: BrowsedMessage[] = [];
  const pending = [...partitions].filter(([, p]) => p.committed < p.high && nextUnremoved(p, p.committed) < p.high);
  if (pending.length === 0) return noBrowsedMessages();
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await readUntilEnd(consumer, topic, partitions, limit, messages);
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw error;
  }
  return browsedMessages(messages, {
    remove: async (message) => {
      const [partition, offset] = message.id.split(':').map((part) => BigInt(part)) as [bigint, bigint];
      const state = partitions.get(Number(partition))!;
      state.removed.add(offset);
      while (state.removed.delete(state.committed)) state.committed++;
      const metadata = state.removed.size > 0 ? JSON.stringify({ removed: [...state.removed].map(String) }) : null;
      await consumer.commitOffsets([{ topic, partition: Number(partition), offset: String(state.committed), metadata }]);
    },
    release: () => consumer.disconnect(),
  });
}

async function positions(admin: Admin, groupId: string, topic: string): Promise<Map<number, PartitionState>> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const states = new Map<number, PartitionState>();
  for (const end of ends) {
    const done = committed?.partitions.find((p) => p.partition === end.partition);
    const start = done && Number(done.offset) >= 0 ? BigInt(done.offset) : BigInt(end.low);
    states.set(end.partition, { committed: start, removed: removedOf(done?.metadata), high: BigInt(end.high) });
  }
  return states;
}

function removedOf(metadata: string | null | undefined): Set<bigint> {
  if (!metadata) return new Set();
  try {
    const parsed = JSON.parse(metadata) as { removed?: string[] };
    return new Set((parsed.removed ?? []).map((offset) => BigInt(offset)));
  } catch {
    return new Set();
  }
}

function nextUnremoved(state: PartitionState, from: bigint): bigint {
  let offset = from;
  while (state.removed.has(offset)) offset++;
  return offset;
}

/** Fetches every partition from the group's position to the end it had at the start, or until `limit` records. */
function readUntilEnd(consumer: Consumer, topic: string, partitions: Map<number, PartitionState>, limit: number, into: BrowsedMessage[]): Promise<void> {
  const finished = new Set<number>([...partitions].filter(([, p]) => nextUnremoved(p, p.committed) >= p.high).map(([n]) => n));
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
          const state = partitions.get(batch.partition)!;
          for (const record of batch.messages as KafkaMessage[]) {
            const offset = BigInt(record.offset);
            if (offset >= state.high) break;
            if (offset >= state.committed && !state.removed.has(offset) && into.length < limit) into.push(browsed(batch.partition, record));
            if (offset >= state.high - 1n) finished.add(batch.partition);
          }
          if (into.length >= limit || finished.size === partitions.size) done();
        },
      })
      .catch(reject);
  });
}

function browsed(partition: number, record: KafkaMessage): BrowsedMessage {
  return {
    id: `${partition}:${record.offset}`,
    body: record.value ?? Buffer.alloc(0),
    headers: decodeHeaders(record.headers),
    key: record.key?.toString('utf8'),
    storedAt: new Date(Number(record.timestamp)),
  };
}
