import type { IdempotencyStore } from '../core/idempotency-store.js';

/**
 * Per-process store with expiry and a size bound (oldest keys are evicted first: a Map keeps
 * insertion order). Enough for one instance; use a shared store (Redis) across instances.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly expiries = new Map<string, number>();

  constructor(private readonly maxKeys = 100_000) {}

  async has(key: string): Promise<boolean> {
    const expiresAt = this.expiries.get(key);
    if (expiresAt === undefined) return false;
    if (expiresAt > Date.now()) return true;
    this.expiries.delete(key);
    return false;
  }

  async add(key: string, ttlMs: number): Promise<void> {
    this.expiries.delete(key);
    this.expiries.set(key, Date.now() + ttlMs);
    while (this.expiries.size > this.maxKeys) {
      this.expiries.delete(this.expiries.keys().next().value as string);
    }
  }
}
