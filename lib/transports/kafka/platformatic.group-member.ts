import type { Consumer, ConsumerOptions, Message, MessagesStream } from '@platformatic/kafka';
import type { CommitPosition, FetchedBatch, GroupMember, GroupMemberInit } from './kafka.connection.js';
import type { KafkaRecord } from './kafka.context.js';
import { PROTOCOLS, subscriptionAwareAssigner } from './platformatic.assigner.js';

export type PlatformaticModule = typeof import('@platformatic/kafka');
type BufferConsumer = Consumer<Buffer, Buffer, Buffer, Buffer>;
export type BufferMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/** Messages read ahead of the handlers, over all partitions, before the streams pause. */
const READ_AHEAD_HIGH = 2000;
const READ_AHEAD_LOW = 500;

interface PartitionQueue {
  readonly topic: string;
  readonly partition: number;
  messages: KafkaRecord[];
}

/**
 * One `@platformatic/kafka` consumer: a member of one group on a fixed set of topics. Its
 * messages arrive as one stream over every assigned partition, and its heartbeats run on their
 * own timer; this member turns the stream back into per-partition batches (one batch of a
 * partition at a time, at most `partitionsConsumedConcurrently` partitions at once), pauses
 * the stream while too much waits, and drops what was read under an older generation (after a
 * rejoin the stream reads again from the committed offsets).
 */
export class PlatformaticGroupMember implements GroupMember {
  private readonly consumer: BufferConsumer;
  private readonly streams: MessagesStream<Buffer, Buffer, Buffer, Buffer>[] = [];
  private readonly queues = new Map<string, PartitionQueue>();
  private readonly running = new Set<string>();
  /** The leader epoch of each partition's last message, which a commit names. */
  private readonly leaderEpochs = new Map<string, number>();
  private waiting = 0;
  private dispatchScheduled = false;
  private fetching = true;
  private crashed = false;

  constructor(
    kafka: PlatformaticModule,
    options: Omit<ConsumerOptions<Buffer, Buffer, Buffer, Buffer>, 'groupId'>,
    private readonly init: GroupMemberInit,
    private readonly listTopics: () => Promise<string[]>,
  ) {
    this.consumer = new kafka.Consumer<Buffer, Buffer, Buffer, Buffer>({
      protocols: PROTOCOLS,
      partitionAssigner: subscriptionAwareAssigner,
      ...options,
      groupId: init.groupId,
      autocommit: false,
    } as ConsumerOptions<Buffer, Buffer, Buffer, Buffer>);
    this.listen();
  }

  async start(): Promise<void> {
    try {
      const existing = this.init.subscriptions.some((s) => s.topics.some((t) => t instanceof RegExp)) ? await this.listTopics() : [];
      for (const { topics, fromBeginning } of this.init.subscriptions) {
        // Patterns match the topics that exist now, as kafkajs' subscribe does.
        const names = [...new Set(topics.flatMap((t) => (t instanceof RegExp ? existing.filter((name) => t.test(name)) : [t])))];
        if (names.length === 0) continue;
        // Resolves once the member has joined and received its partitions.
        const stream = await this.consumer.consume({ topics: names, mode: 'committed', fallbackMode: fromBeginning ? 'earliest' : 'latest', autocommit: false });
        stream.on('data', (message: BufferMessage) => this.receive(message));
        stream.on('error', (error: Error) => this.crash(error));
        this.streams.push(stream);
      }
    } catch (error) {
      await this.consumer.close(true).catch(() => undefined);
      throw error;
    }
  }

  async commit(positions: readonly CommitPosition[]): Promise<void> {
    await this.consumer.commit({
      offsets: positions.map(({ topic, partition, offset }) => ({
        topic,
        partition,
        offset: BigInt(offset),
        leaderEpoch: this.leaderEpochs.get(`${topic}|${partition}`) ?? -1,
      })),
    });
  }

  stopFetching(): void {
    this.fetching = false;
    for (const stream of this.streams) stream.pause();
    this.dropWaiting();
  }

  async leave(): Promise<void> {
    this.stopFetching();
    await Promise.allSettled(this.streams.map((s) => s.close()));
    // Sends LeaveGroup, so the group's other members get the partitions at once.
    await this.consumer.close(this.crashed);
  }

  private receive(message: BufferMessage): void {
    const generation = (message.metadata as { consumer?: { generationId?: number } } | undefined)?.consumer?.generationId;
    // Read under an older generation: the partition may be someone else's now; the stream reads it again if not.
    if (!this.fetching || (generation !== undefined && generation !== this.consumer.generationId)) return;
    const key = `${message.topic}|${message.partition}`;
    let queue = this.queues.get(key);
    if (!queue) this.queues.set(key, (queue = { topic: message.topic, partition: message.partition, messages: [] }));
    queue.messages.push(toRecord(message));
    this.leaderEpochs.set(key, message.leaderEpoch);
    if (++this.waiting >= READ_AHEAD_HIGH) for (const stream of this.streams) stream.pause();
    this.scheduleDispatch();
  }

  /**
   * The stream hands over a fetch response one message at a time, in one burst of 'data'
   * events. Dispatching on the first would start a batch of one and hold the rest of the
   * partition until it finished: no overlap for per-key concurrency (and a handler waiting on a
   * later message of its partition would wait forever). So the burst is gathered first, and a
   * partition's batch is what arrived together, as kafkajs' eachBatch gives it.
   */
  private scheduleDispatch(): void {
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    setImmediate(() => {
      this.dispatchScheduled = false;
      if (this.fetching) this.dispatch();
    });
  }

  /** Starts a batch for each partition with waiting messages and none running, up to the concurrency. */
  private dispatch(): void {
    for (const [key, queue] of this.queues) {
      if (this.running.size >= this.init.partitionsConsumedConcurrently) return;
      if (this.running.has(key) || queue.messages.length === 0) continue;
      const messages = queue.messages;
      queue.messages = [];
      this.waiting -= messages.length;
      this.running.add(key);
      void this.handle(queue, messages).finally(() => {
        this.running.delete(key);
        if (this.fetching && this.waiting < READ_AHEAD_LOW) for (const stream of this.streams) stream.resume();
        if (this.fetching) this.dispatch();
      });
    }
  }

  private async handle(queue: PartitionQueue, messages: KafkaRecord[]): Promise<void> {
    const batch: FetchedBatch = {
      topic: queue.topic,
      partition: queue.partition,
      messages,
      // Heartbeats run on the consumer's own timer, handler or not: nothing to send from here.
      heartbeat: () => Promise.resolve(),
      // The stream reads ahead on its own; what is not settled is simply not committed.
      resolveOffset: () => undefined,
    };
    try {
      await this.init.onBatch(batch);
    } catch (error) {
      this.init.events.problem(`batch of ${queue.topic}[${queue.partition}] in group ${this.init.groupId}`, error);
    }
  }

  private dropWaiting(): void {
    for (const queue of this.queues.values()) queue.messages = [];
    this.waiting = 0;
  }

  private crash(error: unknown): void {
    if (this.crashed) return;
    this.crashed = true;
    this.fetching = false;
    this.dropWaiting();
    this.init.events.crashed(error, false);
  }

  private listen(): void {
    const { consumer, init } = this;
    consumer.on('consumer:group:join', (payload) => {
      // The stream reads every assigned partition again from its committed offset.
      this.dropWaiting();
      init.events.joined([...new Set((payload.assignments ?? []).map((a) => a.topic))]);
    });
    consumer.on('consumer:group:rebalance', () => init.events.rebalancing());
    consumer.on('consumer:heartbeat:end', () => init.events.heartbeat());
    consumer.on('consumer:heartbeat:error', ({ error }) => {
      if ((error as { needsRejoin?: boolean }).needsRejoin || hasRejoinCause(error)) init.events.rebalancing();
      else init.events.problem(`heartbeat of group ${init.groupId}`, error);
    });
  }
}

function hasRejoinCause(error: unknown, depth = 0): boolean {
  if (error === null || typeof error !== 'object' || depth > 5) return false;
  const e = error as { needsRejoin?: boolean; errors?: unknown[]; cause?: unknown };
  return Boolean(e.needsRejoin) || [e.cause, ...(e.errors ?? [])].some((n) => n !== error && hasRejoinCause(n, depth + 1));
}

/** A fetched message in the shape the rest of the folder reads (kafkajs' `KafkaMessage`). */
export function toRecord(message: BufferMessage): KafkaRecord {
  const headers: Record<string, Buffer> = {};
  for (const [name, value] of message.headerEntries ?? message.headers) headers[name.toString('utf8')] = value;
  return {
    key: message.key ?? null,
    value: message.value ?? null,
    timestamp: String(message.timestamp),
    offset: String(message.offset),
    attributes: 0,
    headers,
  } as KafkaRecord;
}
