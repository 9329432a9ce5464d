/**
 * Where processed idempotency keys are remembered. The in-memory store is built in; a Redis
 * store comes with the Redis transport. Keys are recorded only after a handler succeeded.
 */
export interface IdempotencyStore {
  /** True when `key` was recorded and has not expired. */
  has(key: string): Promise<boolean>;
  /** Records `key` as processed for `ttlMs` milliseconds. */
  add(key: string, ttlMs: number): Promise<void>;
}
