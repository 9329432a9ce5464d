import type { CommitPosition } from './kafka.connection.js';

/**
 * Settled offsets of one fetched batch of one partition. Handlers may settle out of order
 * (per-key concurrency); the committable position only moves past an offset once it and
 * every earlier offset of the batch are settled, so a commit never skips unhandled messages.
 */
export class PartitionOffsetTracker {
  private readonly settled: boolean[];
  private readonly indexByOffset = new Map<string, number>();
  private cursor = 0;

  constructor(private readonly offsets: readonly string[]) {
    this.settled = offsets.map(() => false);
    offsets.forEach((offset, index) => this.indexByOffset.set(offset, index));
  }

  /** Marks one offset settled; returns the highest offset now settled with all before it, if that moved. */
  settle(offset: string): string | undefined {
    const index = this.indexByOffset.get(offset);
    if (index === undefined) return undefined;
    this.settled[index] = true;
    const before = this.cursor;
    while (this.cursor < this.settled.length && this.settled[this.cursor]) this.cursor++;
    return this.cursor > before ? this.offsets[this.cursor - 1] : undefined;
  }
}

interface StagedPosition extends CommitPosition {
  readonly epoch: number;
}

/**
 * Commits settled positions in batches: staged per partition, sent every `intervalMs` and at
 * the end of each fetched batch (and on close, before the member leaves), one request at a
 * time so a slow commit can never land after a newer one. Positions staged under an older
 * assignment epoch are dropped, never committed: after a rebalance the partition may belong
 * to another member.
 */
export class OffsetCommitter {
  private staged = new Map<string, StagedPosition>();
  private timer?: NodeJS.Timeout;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly commit: (positions: readonly CommitPosition[]) => Promise<void>,
    private readonly intervalMs: number,
    private readonly currentEpoch: () => number,
    private readonly onError: (error: unknown) => void,
  ) {}

  stage(topic: string, partition: number, lastSettledOffset: string, epoch: number): void {
    const offset = (BigInt(lastSettledOffset) + 1n).toString();
    this.staged.set(`${topic}|${partition}`, { topic, partition, offset, epoch });
    this.timer ??= setTimeout(() => void this.flush(), this.intervalMs);
  }

  /** Commits everything staged so far; resolves once that commit has an answer (errors are reported, not thrown). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.chain = this.chain.then(() => this.commitStaged());
    return this.chain;
  }

  /** Forgets what is staged (the member is gone; nothing of it can be committed any more). */
  discard(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.staged.clear();
  }

  private async commitStaged(): Promise<void> {
    if (this.staged.size === 0) return;
    const epoch = this.currentEpoch();
    const positions = [...this.staged.values()].filter((s) => s.epoch === epoch);
    this.staged = new Map();
    if (positions.length === 0) return;
    try {
      await this.commit(positions.map(({ topic, partition, offset }) => ({ topic, partition, offset })));
    } catch (error) {
      // Not committed means delivered again later (at-least-once), never lost.
      this.onError(error);
    }
  }
}
