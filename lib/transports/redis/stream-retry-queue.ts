/** An entry of this consumer's PEL waiting to be claimed again (after a nack, or found at start). */
export interface PendingRetry {
  readonly id: string;
  /** Delivery count before the coming redelivery. */
  readonly deliveries: number;
  readonly dueAt: number;
  /** XCLAIM min-idle: skip the claim if another consumer took the entry over meanwhile. */
  readonly minIdleMs: number;
  /** When this consumer received the entry (unknown for entries found pending at start). */
  readonly receivedAt?: number;
}

/**
 * Ids (only ids: the entry stays in Redis) of pending entries this consumer will take back,
 * each once its delay is over.
 */
export class StreamRetryQueue {
  private readonly retries = new Map<string, PendingRetry>();

  add(id: string, deliveries: number, delayMs: number, receivedAt?: number): void {
    this.retries.set(id, { id, deliveries, dueAt: Date.now() + delayMs, minIdleMs: Math.max(0, delayMs - 50), receivedAt });
  }

  has(id: string): boolean {
    return this.retries.has(id);
  }

  delete(id: string): void {
    this.retries.delete(id);
  }

  get size(): number {
    return this.retries.size;
  }

  /** Removes and returns up to `max` due entries (id → delivery count) and the min-idle to claim them with. */
  takeDue(max: number, now = Date.now()): { counts: Map<string, number>; minIdleMs: number } {
    const counts = new Map<string, number>();
    let minIdleMs = Number.MAX_SAFE_INTEGER;
    for (const [id, retry] of this.retries) {
      if (counts.size >= max) break;
      if (retry.dueAt > now) continue;
      counts.set(id, retry.deliveries);
      minIdleMs = Math.min(minIdleMs, retry.minIdleMs);
      this.retries.delete(id);
    }
    return { counts, minIdleMs: counts.size === 0 ? 0 : minIdleMs };
  }

  /** Removes and returns every waiting entry (on close, to hand them back to the group). */
  takeAll(): PendingRetry[] {
    const all = [...this.retries.values()];
    this.retries.clear();
    return all;
  }

  /** Milliseconds until the next retry is due (Infinity when none waits). */
  nextDueIn(now = Date.now()): number {
    let next = Infinity;
    for (const retry of this.retries.values()) next = Math.min(next, retry.dueAt - now);
    return Math.max(0, next);
  }
}
