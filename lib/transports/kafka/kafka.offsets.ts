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

  get done(): boolean {
    return this.cursor === this.offsets.length;
  }
}
