import type { Admin, Consumer, ConsumerOptions, MessagesStream } from '@platformatic/kafka';
import type { BrowsedMessages } from '../../core/browse.js';
import { browsedMessages, noBrowsedMessages } from '../kit/browsed-messages.js';
import { BROWSE_TIMEOUT_MS, replayGroupOf, ReplayGroupState, type ReplayCommit, type ReplayPartitionInit } from './kafka.replay-group.js';
import { PROTOCOLS, subscriptionAwareAssigner } from './platformatic.assigner.js';
import { toRecord, type BufferMessage, type PlatformaticModule } from './platformatic.group-member.js';

type BufferConsumer = Consumer<Buffer, Buffer, Buffer, Buffer>;
type BrowseConsumerOptions = Omit<ConsumerOptions<Buffer, Buffer, Buffer, Buffer>, 'groupId'>;

/**
 * The dead-letter browse of kafkajs.browse.ts on `@platformatic/kafka`, with the same stored
 * state (kafka.replay-group.ts): the replay group `nestream-dlq-replay.<topic>` (one member:
 * this browse, autocommit off) reads from its committed offsets to the end the topic had when
 * the browse began; "removing" a record commits past the removed records at the head and keeps
 * the removed ones beyond it in the commit's metadata. One browse of a topic at a time.
 */
export async function browsePlatformaticTopic(kafka: PlatformaticModule, admin: Admin, options: BrowseConsumerOptions, topic: string, limit: number): Promise<BrowsedMessages> {
  const groupId = replayGroupOf(topic);
  if (!(await admin.listTopics()).includes(topic)) return noBrowsedMessages();
  const state = new ReplayGroupState(await positions(kafka, admin, groupId, topic), limit);
  if (state.empty) return noBrowsedMessages();
  const consumer = new kafka.Consumer<Buffer, Buffer, Buffer, Buffer>({
    // The protocols nestream's members announce (kafkajs' round-robin among them), so a kafkajs browse and this one agree on the group's.
    protocols: PROTOCOLS,
    partitionAssigner: subscriptionAwareAssigner,
    ...options,
    groupId,
    autocommit: false,
  } as ConsumerOptions<Buffer, Buffer, Buffer, Buffer>);
  let stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  const release = async () => {
    await stream?.close().catch(() => undefined);
    await consumer.close(); // leaves the group
  };
  try {
    // Resolves once this member joined the group and got its partitions.
    stream = await consumer.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest', autocommit: false });
    await readUntilEnd(stream, topic, state);
  } catch (error) {
    await release().catch(() => consumer.close(true).catch(() => undefined));
    throw error;
  }
  return browsedMessages(state.messages, {
    remove: (message) => commitWithMetadata(kafka, consumer, topic, state.remove(message)),
    release,
  });
}

async function positions(kafka: PlatformaticModule, admin: Admin, groupId: string, topic: string): Promise<ReplayPartitionInit[]> {
  const metadata = (await admin.metadata({ topics: [topic], forceUpdate: true })).topics.get(topic);
  const partitions = Array.from({ length: metadata?.partitionsCount ?? 0 }, (_, i) => i);
  const offsetsAt = async (timestamp: bigint): Promise<Map<number, bigint>> => {
    const [listed] = await admin.listOffsets({ topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) }] });
    return new Map((listed?.partitions ?? []).map((p) => [p.partitionIndex, p.offset]));
  };
  const low = await offsetsAt(kafka.ListOffsetTimestamps.EARLIEST);
  const high = await offsetsAt(kafka.ListOffsetTimestamps.LATEST);
  const [group] = await admin.listConsumerGroupOffsets({ groups: [{ groupId, topics: [{ name: topic, partitionIndexes: partitions }] }] });
  const committed = group?.topics.find((t) => t.name === topic)?.partitions ?? [];
  return partitions.map((partition) => {
    const done = committed.find((p) => p.partitionIndex === partition);
    return { partition, low: low.get(partition) ?? 0n, high: high.get(partition) ?? 0n, committed: done?.committedOffset, metadata: done?.metadata };
  });
}

/** Reads the stream until the browse is done (kafka.replay-group.ts decides), then pauses it. */
function readUntilEnd(stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>, topic: string, state: ReplayGroupState): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const finish = (error?: Error) => {
      clearTimeout(timer);
      stream.off('data', receive);
      stream.off('error', finish);
      stream.pause();
      if (error) reject(error);
      else resolve();
    };
    const receive = (message: BufferMessage) => {
      state.offer(message.partition, message.offset, () => toRecord(message));
      if (state.done) finish();
    };
    const timer = setTimeout(() => finish(new Error(`Kafka browse of ${topic}: no end of the topic within ${BROWSE_TIMEOUT_MS} ms`)), BROWSE_TIMEOUT_MS);
    stream.on('data', receive);
    stream.on('error', finish);
  });
}

/**
 * The client's own `commit()` always sends null metadata, and the removed-offsets list lives
 * there; so the commit is the protocol's OffsetCommit, sent by this member (its generation and
 * member id: the group is not empty while the browse holds it) to the group's coordinator.
 */
async function commitWithMetadata(kafka: PlatformaticModule, consumer: BufferConsumer, topic: string, commit: ReplayCommit): Promise<void> {
  const coordinator = await consumer.findGroupCoordinator();
  const connection = (await consumer.connectToBrokers([coordinator])).get(coordinator);
  if (!connection) throw new Error(`Kafka browse of ${topic}: no connection to the coordinator (broker ${coordinator}) of ${consumer.groupId}`);
  const topics: Parameters<OffsetCommitApi['async']>[5] = [
    { name: topic, partitions: [{ partitionIndex: commit.partition, committedOffset: commit.offset, committedLeaderEpoch: -1, committedMetadata: commit.metadata }] },
  ];
  const api = await offsetCommitApi(kafka, consumer);
  await api.async(connection, consumer.groupId, consumer.generationId, consumer.memberId ?? '', null, topics);
}

type OffsetCommitApi = PlatformaticModule['offsetCommitV8']['api'];

/** The newest OffsetCommit version both the broker and the client know (as the client's own requests pick theirs). */
async function offsetCommitApi(kafka: PlatformaticModule, consumer: BufferConsumer): Promise<OffsetCommitApi> {
  const versions = (await consumer.listApis()).find((api) => api.name === 'OffsetCommit');
  const modules = kafka as unknown as Record<string, { api?: OffsetCommitApi } | undefined>;
  for (let version = versions?.maxVersion ?? -1; versions && version >= versions.minVersion; version--) {
    const api = modules[`offsetCommitV${version}`]?.api;
    if (api) return api;
  }
  throw new Error(`the broker's OffsetCommit versions (${versions ? `${versions.minVersion}-${versions.maxVersion}` : 'none'}) are none that @platformatic/kafka knows`);
}
