/*
 * @platformatic/kafka's stream reads every assigned partition again from its committed offset
 * after a rejoin, but a fetch sent before the rejoin can answer after that refresh: it moves the
 * stream's position past the refreshed one, and what the member let go unsettled in between
 * (queued messages dropped at the join, a batch abandoned for the rebalance) is never read
 * again. Handling and committing later messages of that partition would then lose those.
 * This guard remembers, per partition, the lowest offset the member let go unsettled; the next
 * message of that partition must be that offset or an earlier one (the stream read it again).
 */

export type ReadCheck = 'in-order' | 'read-again' | 'skipped';

export class SkipGuard {
  private readonly letGoFrom = new Map<string, bigint>();

  /** The member let `offset` of the partition go without settling it (dropped, abandoned, or read under an older generation). */
  letGo(partition: string, offset: bigint): void {
    const from = this.letGoFrom.get(partition);
    if (from === undefined || offset < from) this.letGoFrom.set(partition, offset);
  }

  /**
   * Where the stream's next message of a partition stands: `read-again` (it is at or before
   * what was let go: the stream went back, the mark is cleared), `skipped` (it is past it: the
   * let-go messages would be lost), or `in-order` (nothing was let go).
   */
  check(partition: string, offset: bigint): ReadCheck {
    const from = this.letGoFrom.get(partition);
    if (from === undefined) return 'in-order';
    if (offset > from) return 'skipped';
    this.letGoFrom.delete(partition);
    return 'read-again';
  }

  /** The lowest let-go offset of a partition, for the error that names it. */
  from(partition: string): bigint | undefined {
    return this.letGoFrom.get(partition);
  }

  /** After a rejoin: a partition no longer assigned is the new owner's to read from the committed offset. */
  keepOnly(assigned: ReadonlySet<string>): void {
    for (const partition of this.letGoFrom.keys()) if (!assigned.has(partition)) this.letGoFrom.delete(partition);
  }
}
