/**
 * Where processed idempotency keys are remembered. The in-memory store is built in; a Redis
 * store comes with the Redis transport, a PostgreSQL one (the inbox) with `nestream/outbox`.
 * Keys are recorded only after a handler succeeded.
 */
export interface IdempotencyStore {
  /** True when `key` was recorded and has not expired. */
  has(key: string): Promise<boolean>;
  /** Records `key` as processed for `ttlMs` milliseconds. */
  add(key: string, ttlMs: number): Promise<void>;
  /**
   * Stores whose mark can commit with the handler's own writes (a transactional inbox): runs one
   * attempt of the handler inside a transaction that first records `key`, and commits both, or
   * rolls both back when the attempt fails. Resolves `{ duplicate: true }` without running the
   * attempt when `key` is recorded already. Single-message handlers use it on every attempt.
   */
  runInTransaction?<T>(key: string, ttlMs: number, attempt: () => Promise<T>): Promise<TransactionalOutcome<T>>;
}

export type TransactionalOutcome<T> = { readonly duplicate: true } | { readonly duplicate: false; readonly result: T };
