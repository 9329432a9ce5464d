import type { Consumer, ConsumerOptions, Message, MessagesStream } from '@platformatic/kafka';
import type { CommitPosition, FetchedBatch, GroupMember, GroupMemberInit } from './kafka.connection.js';
import type { KafkaRecord } from './kafka.context.js';
import { OwnedPartitions, partitionKey } from './owned-partitions.js';
import { PROTOCOLS, subscriptionAwareAssigner } from './platformatic.assigner.js';
import { SkipGuard } from './platformatic.skip-guard.js';

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

/** A partition's batch being handled: its messages, the last offset settled so far, and the generation it was read under. */
interface RunningBatch {
  readonly messages: readonly KafkaRecord[];
  settledUpTo?: bigint;
  readonly generation: number;
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
  private readonly running = new Map<string, RunningBatch>();
  private readonly guard = new SkipGuard();
  /** The partitions assigned to this member, as of `ownedAsOf` (the client replaces its array on every change). */
  private owned = OwnedPartitions.NONE;
  private ownedAsOf: unknown;
  /** Between a rebalance's start and the join that ends it: the stream reads every partition again from its committed offset after it. */
  private rejoining = false;
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
    const own = this.ownedNow().committable(positions);
    if (own.length === 0) return;
    await this.consumer.commit({
      offsets: own.map(({ topic, partition, offset }) => ({
        topic,
        partition,
        offset: BigInt(offset),
        leaderEpoch: this.leaderEpochs.get(partitionKey(topic, partition)) ?? -1,
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
    if (!this.fetching) return;
    const key = partitionKey(message.topic, message.partition);
    const generation = (message.metadata as { consumer?: { generationId?: number } } | undefined)?.consumer?.generationId;
    if (generation !== undefined && generation !== this.consumer.generationId) {
      // Read under an older generation: the partition may be someone else's now; if not, the stream must read it again.
      if (this.ownedNow().has(key)) this.guard.letGo(key, message.offset);
      return;
    }
    // A fetch sent before the last join can answer after it, stamped with the new generation:
    // a partition that went to another member at that join is the other member's to read from
    // the committed offset. Handling it here would commit past messages nobody handled.
    if (!this.ownedNow().has(key)) return;
    let queue = this.queues.get(key);
    if (!queue) this.queues.set(key, (queue = { topic: message.topic, partition: message.partition, messages: [] }));
    const read = this.guard.check(key, message.offset);
    if (read === 'skipped') return this.skipped(key, message.offset);
    if (read === 'read-again') this.dropQueuedFrom(queue, message.offset);
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
      if (!this.fetching || this.running.size >= this.init.partitionsConsumedConcurrently) return;
      if (this.running.has(key) || queue.messages.length === 0) continue;
      const messages = queue.messages;
      queue.messages = [];
      this.waiting -= messages.length;
      // Queued before an earlier batch of the partition was abandoned: handling these would commit past it.
      if (this.guard.check(key, BigInt(messages[0]!.offset)) === 'skipped') {
        this.skipped(key, BigInt(messages[0]!.offset));
        continue;
      }
      const running: RunningBatch = { messages, generation: this.consumer.generationId };
      this.running.set(key, running);
      void this.handle(queue, running).finally(() => {
        this.running.delete(key);
        if (this.fetching && this.waiting < READ_AHEAD_LOW) for (const stream of this.streams) stream.resume();
        if (this.fetching) this.dispatch();
      });
    }
  }

  private async handle(queue: PartitionQueue, running: RunningBatch): Promise<void> {
    const batch: FetchedBatch = {
      topic: queue.topic,
      partition: queue.partition,
      messages: running.messages,
      // Heartbeats run on the consumer's own timer, handler or not: nothing to send from here.
      heartbeat: () => Promise.resolve(),
      // The stream reads ahead on its own; what is not settled is not committed, and the guard makes sure it is read again.
      resolveOffset: (offset) => void (running.settledUpTo = BigInt(offset)),
    };
    try {
      await this.init.onBatch(batch);
    } catch (error) {
      this.init.events.problem(`batch of ${queue.topic}[${queue.partition}] in group ${this.init.groupId}`, error);
    }
    // Abandoned for a rebalance that has not joined yet (a join marks what runs at that moment). A batch cut
    // short by a close marks nothing: the member is leaving, and a false skip would restart it before its last commit.
    if (this.rejoining && running.generation === this.consumer.generationId) this.letGoUnsettled(partitionKey(queue.topic, queue.partition), running);
  }

  private letGoUnsettled(key: string, running: RunningBatch): void {
    const unsettled = running.messages.find((m) => running.settledUpTo === undefined || BigInt(m.offset) > running.settledUpTo);
    if (unsettled) this.guard.letGo(key, BigInt(unsettled.offset));
  }

  private dropWaiting(): void {
    for (const [key, queue] of this.queues) {
      if (queue.messages.length > 0) this.guard.letGo(key, BigInt(queue.messages[0]!.offset));
      queue.messages = [];
    }
    this.waiting = 0;
  }

  /** After the stream went back to an offset: what was queued from there on comes again. */
  private dropQueuedFrom(queue: PartitionQueue, offset: bigint): void {
    const kept = queue.messages.filter((m) => BigInt(m.offset) < offset);
    this.waiting -= queue.messages.length - kept.length;
    queue.messages = kept;
  }

  /**
   * The stream read past messages this member let go unsettled. During a rebalance the join
   * that ends it sends the stream back to the committed offsets: the message is dropped. Else
   * the stream will not go back by itself, and a new member (started by the group) reads from
   * the committed offset: handling on would lose the let-go messages.
   */
  private skipped(key: string, offset: bigint): void {
    if (this.rejoining) return;
    const [topic, partition] = key.split('|');
    this.crash(new Error(`the stream of ${topic}[${partition}] in group ${this.init.groupId} read offset ${offset} past unhandled offset ${this.guard.from(key)} (a fetch from before a rejoin answered after it); the member restarts to read from the committed offset`));
  }

  /** The partitions this member owns now: what it may handle and commit (made again only when the assignment changed). */
  private ownedNow(): OwnedPartitions {
    const assignments = this.consumer.assignments;
    if (assignments !== this.ownedAsOf) {
      this.ownedAsOf = assignments;
      this.owned = new OwnedPartitions(assignments ?? []);
    }
    return this.owned;
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
    // Registered before any stream's own listener: what is let go is marked before the stream refreshes its offsets.
    consumer.on('consumer:group:join', (payload) => {
      // The stream reads every assigned partition again from its committed offset: what is not settled now must come again.
      for (const [key, running] of this.running) this.letGoUnsettled(key, running);
      this.dropWaiting();
      this.guard.keepOnly(this.ownedNow().keys);
      this.rejoining = false;
      init.events.joined([...new Set((payload.assignments ?? []).map((a) => a.topic))]);
    });
    const rebalancing = (): void => {
      this.rejoining = true;
      init.events.rebalancing();
    };
    consumer.on('consumer:group:rebalance', rebalancing);
    consumer.on('consumer:heartbeat:end', () => init.events.heartbeat());
    consumer.on('consumer:heartbeat:error', ({ error }) => {
      if ((error as { needsRejoin?: boolean }).needsRejoin || hasRejoinCause(error)) rebalancing();
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
