// Bounded in-flight publishing and exactly-once accounting, shared by every implementation so
// the producer and the bookkeeping cost the same everywhere.

/** Counts every delivery per sequence number; seq ≥ expected (readiness probes) are ignored. */
export class ReceiptTracker {
  private readonly counts: Uint8Array;
  /** Distinct sequence numbers seen. */
  distinct = 0;
  duplicates = 0;
  /** Readiness probes received (seq ≥ expected). */
  probes = 0;
  onProgress: () => void = () => undefined;
  private target = Infinity;
  private reached?: () => void;

  constructor(readonly expected: number) {
    this.counts = new Uint8Array(expected);
  }

  record(seq: number): void {
    if (!(seq >= 0 && seq < this.expected)) {
      if (seq >= this.expected) this.probes++;
      return;
    }
    const seen = this.counts[seq]!;
    if (seen === 0) this.distinct++;
    else this.duplicates++;
    if (seen < 255) this.counts[seq] = seen + 1;
    this.onProgress();
    if (this.distinct === this.target) this.reached?.();
  }

  /** Resolves when `distinct` reaches `count` (checked on each receipt: no polling). */
  whenDistinct(count: number): Promise<void> {
    if (this.distinct >= count) return Promise.resolve();
    this.target = count;
    return new Promise((resolve) => (this.reached = resolve));
  }

  /** Sequence numbers in [from, to) never seen: a few, for the failure message. */
  missing(from: number, to: number, limit = 10): number[] {
    const out: number[] = [];
    for (let i = from; i < to && out.length < limit; i++) if (this.counts[i] === 0) out.push(i);
    return out;
  }

  countMissing(from: number, to: number): number {
    let n = 0;
    for (let i = from; i < to; i++) if (this.counts[i] === 0) n++;
    return n;
  }
}

export interface WindowLimits {
  /** Publish promises outstanding at once. */
  readonly publishes: number;
  /** Published but not yet received: keeps lossy brokers and fire-and-forget clients from flooding. */
  readonly lag: number;
}

export type Publish = (seq: number) => Promise<void>;

/**
 * Publishes seq from..to-1 keeping at most `limits.publishes` publishes outstanding and at
 * most `limits.lag` messages between publish and receipt. Rejects on the first failed publish.
 */
export class PublishWindow {
  private inFlight = 0;
  private published = 0;
  private failure?: unknown;
  private wake?: () => void;
  private readonly onPublished = (): void => {
    this.inFlight--;
    this.signal();
  };
  private readonly onFailed = (error: unknown): void => {
    this.failure ??= error;
    this.inFlight--;
    this.signal();
  };

  constructor(
    private readonly limits: WindowLimits,
    private readonly tracker: ReceiptTracker,
  ) {
    tracker.onProgress = () => this.signal();
  }

  async run(from: number, to: number, publish: Publish): Promise<void> {
    for (let seq = from; seq < to; seq++) {
      while (this.inFlight >= this.limits.publishes || this.published - this.tracker.distinct >= this.limits.lag) {
        if (this.failure) throw this.failure;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
      if (this.failure) throw this.failure;
      this.inFlight++;
      this.published++;
      publish(seq).then(this.onPublished, this.onFailed);
    }
    while (this.inFlight > 0) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.failure) throw this.failure;
  }

  private signal(): void {
    const wake = this.wake;
    if (!wake) return;
    this.wake = undefined;
    wake();
  }
}

/**
 * Resolves once `tracker.distinct` reaches `count`; rejects if no progress for `stallMs`,
 * naming how many are missing (a lost message fails the run loudly).
 */
export async function awaitReceipts(tracker: ReceiptTracker, count: number, stallMs: number, from: number, to: number): Promise<void> {
  let last = -1;
  let stall: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    stall = setInterval(() => {
      if (tracker.distinct !== last) {
        last = tracker.distinct;
        return;
      }
      const lost = tracker.countMissing(from, to);
      reject(new Error(`${lost} of ${to - from} message(s) never arrived (no progress for ${stallMs} ms); e.g. seq ${tracker.missing(from, to).join(', ')}`));
    }, stallMs);
  });
  try {
    await Promise.race([tracker.whenDistinct(count), stalled]);
  } finally {
    clearInterval(stall);
  }
}
