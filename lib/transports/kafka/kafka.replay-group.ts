import type { BrowsedMessage } from '../../core/browse.js';
import type { KafkaRecord } from './kafka.context.js';
import { decodeHeaders } from './kafka.headers.js';

/**
 * What a dead-letter browse of a Kafka topic keeps in the broker, whichever client reads it
 * (kafkajs.browse.ts, platformatic.browse.ts): the offsets committed by the replay group and the
 * removed-offsets metadata of those commits. Both clients read and write it here, so a topic
 * partly replayed through one is browsed the same through the other.
 */

/** How long a browse waits for the replay group to join and fetch to the end of the topic. */
export const BROWSE_TIMEOUT_MS = 60_000;

/** The consumer group whose committed offsets say which records of a topic were removed (replayed). */
export function replayGroupOf(topic: string): string {
  return `nestream-dlq-replay.${topic}`;
}

/** One partition as the admin client sees it when a browse begins. */
export interface ReplayPartitionInit {
  readonly partition: number;
  /** The first offset still on the log (retention may have removed earlier ones). */
  readonly low: bigint;
  /** The end of the partition: the offset the next record will get. */
  readonly high: bigint;
  /** The replay group's committed offset; undefined (or negative) when it never committed. */
  readonly committed?: bigint;
  /** That commit's metadata. */
  readonly metadata?: string | null;
}

/** A commit a removal asks for: the group's new offset of the partition, and its metadata. */
export interface ReplayCommit {
  readonly partition: number;
  readonly offset: bigint;
  readonly metadata: string | null;
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
 * One browse's view of the replay group: which fetched records to show (from the committed
 * offset, skipping the removed ones, up to the end the partition had at the start, at most
 * `limit`), when the read is done, and what a removal commits.
 */
export class ReplayGroupState {
  readonly messages: BrowsedMessage[] = [];
  private readonly partitions = new Map<number, PartitionState>();
  /** Partitions read to their end (or with nothing to read from the start). */
  private readonly finished = new Set<number>();
  private readonly shown = new Set<string>();

  constructor(
    init: readonly ReplayPartitionInit[],
    private readonly limit: number,
  ) {
    for (const p of init) {
      // Before the log start nothing is left to show: the read starts where the log does.
      const committed = p.committed !== undefined && p.committed >= 0n && p.committed > p.low ? p.committed : p.low;
      const removed = removedOf(p.metadata);
      for (const offset of removed) if (offset < committed) removed.delete(offset);
      const state: PartitionState = { committed, removed, high: p.high };
      this.partitions.set(p.partition, state);
      if (nextUnremoved(state, state.committed) >= state.high) this.finished.add(p.partition);
    }
  }

  /** Every partition's records up to its end are removed (or it has none): no consumer needed. */
  get empty(): boolean {
    return this.finished.size === this.partitions.size;
  }

  /** The browse has what it came for: `limit` records, or every partition read to its end. */
  get done(): boolean {
    return this.messages.length >= this.limit || this.finished.size === this.partitions.size;
  }

  /**
   * Takes one fetched record of `partition` (in offset order); `record` is read only when it is
   * shown. Returns false once the partition is read past its end: the rest of a batch is not needed.
   */
  offer(partition: number, offset: bigint, record: () => KafkaRecord): boolean {
    const state = this.partitions.get(partition);
    if (!state || offset >= state.high) return false;
    const id = `${partition}:${offset}`;
    // A rejoin reads a partition again from its committed offset: a record is shown once.
    if (offset >= state.committed && !state.removed.has(offset) && this.messages.length < this.limit && !this.shown.has(id)) {
      this.shown.add(id);
      this.messages.push(browsed(partition, record()));
    }
    if (offset >= state.high - 1n) this.finished.add(partition);
    return true;
  }

  /**
   * Marks a shown record removed. The commit moves the group's offset past every removed record
   * at the head and keeps removed records beyond it in the metadata, so later browses skip them.
   */
  remove(message: BrowsedMessage): ReplayCommit {
    const [partition, offset] = message.id.split(':').map((part) => BigInt(part)) as [bigint, bigint];
    const state = this.partitions.get(Number(partition))!;
    state.removed.add(offset);
    while (state.removed.delete(state.committed)) state.committed++;
    return { partition: Number(partition), offset: state.committed, metadata: removedMetadata(state.removed) };
  }
}

/** The commit metadata of a replay group: `{"removed":["<offset>",...]}`, or null when none is beyond the committed offset. */
function removedMetadata(removed: ReadonlySet<bigint>): string | null {
  return removed.size > 0 ? JSON.stringify({ removed: [...removed].map(String) }) : null;
}

function removedOf(metadata: string | null | undefined): Set<bigint> {
  if (!metadata) return new Set();
  try {
    const parsed = JSON.parse(metadata) as { removed?: string[] };
    return new Set((parsed.removed ?? []).map((offset) => BigInt(offset)));
  } catch {
    // Metadata someone else committed for this group: nothing nestream removed.
    return new Set();
  }
}

function nextUnremoved(state: PartitionState, from: bigint): bigint {
  let offset = from;
  while (state.removed.has(offset)) offset++;
  return offset;
}

function browsed(partition: number, record: KafkaRecord): BrowsedMessage {
  return {
    id: `${partition}:${record.offset}`,
    body: record.value ?? Buffer.alloc(0),
    headers: decodeHeaders(record.headers),
    key: record.key?.toString('utf8'),
    storedAt: new Date(Number(record.timestamp)),
  };
}
