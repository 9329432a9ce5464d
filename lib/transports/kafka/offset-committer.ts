import type { Consumer } from 'kafkajs';

interface StagedOffset {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to read, i.e. last settled + 1, as Kafka commits it. */
  readonly offset: string;
  readonly epoch: number;
}

/**
 * Commits settled positions in batches: staged per partition, sent every `intervalMs` and at
 * the end of each fetched batch, one request at a time so a slow commit can never land after
 * a newer one. Positions staged under an older assignment epoch are dropped, never committed:
 * after a rebalance the partition may belong to another member.
 */
export class OffsetCommitter {
  private staged = new Map<string, StagedOffset>();
  private timer?: NodeJS.Timeout;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly consumer: Consumer,
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

  /** Forgets what is staged (the consumer is going away without a usable generation). */
  discard(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.staged.clear();
  }

  private async commitStaged(): Promise<void> {
    if (this.staged.size === 0) return;
    const epoch = this.currentEpoch();
    const offsets = [...this.staged.values()].filter((s) => s.epoch === epoch);
    this.staged = new Map();
    if (offsets.length === 0) return;
    try {
      await this.consumer.commitOffsets(offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset })));
    } catch (error) {
      // Not committed means delivered again later (at-least-once), never lost.
      this.onError(error);
    }
  }
}
