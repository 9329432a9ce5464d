/** An entry of this consumer's PEL waiting to be claimed again (after a nack, or found at start). */
interface PendingRetry {
  /** Delivery count before the coming redelivery. */
  readonly deliveries: number;
  readonly dueAt: number;
  /** XCLAIM min-idle: skip the claim if another consumer took the entry over meanwhile. */
  readonly minIdleMs: number;
}

/**
 * Ids (only ids: the entry stays in Redis) of pending entries this consumer will take back,
 * each once its delay is over.
 */
export class StreamRetryQueue {
  private readonly retries = new Map<string, PendingRetry>();

  add(id: string, deliveries: number, delayMs: number): void {
    this.retries.set(id, { deliveries, dueAt: Date.now() + delayMs, minIdleMs: Math.max(0, delayMs - 50) });
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

  /** Milliseconds until the next retry is due (Infinity when none waits). */
  nextDueIn(now = Date.now()): number {
    let next = Infinity;
    for (const retry of this.retries.values()) next = Math.min(next, retry.dueAt - now);
    return Math.max(0, next);
  }
}
