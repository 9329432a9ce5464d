import type { SqlExecutor } from '../sql-executor.js';

/** A transaction on a connection of the database's own: the statements, and the driver's native handle. */
export interface DatabaseTransaction {
  readonly sql: SqlExecutor;
  /** node-postgres `PoolClient`, PGlite `Transaction`: what an inbox handler writes through. */
  readonly native: unknown;
  /** True once the connection under the transaction broke: it can only roll back now. */
  lost?(): boolean;
}

export interface Listening {
  close(): Promise<void>;
}

/**
 * The relay's (and the inbox store's) own access to the database, apart from the app's
 * transactions: node-postgres (`pgDatabase`) or PGlite (`pgliteDatabase`).
 */
export interface OutboxDatabase {
  /** Autocommit statements. */
  readonly sql: SqlExecutor;
  /** A script of several statements without parameters (the schema). */
  exec(script: string): Promise<void>;
  /** BEGIN, `work`, COMMIT; ROLLBACK when `work` throws. */
  transaction<T>(work: (tx: DatabaseTransaction) => Promise<T>): Promise<T>;
  /**
   * LISTEN on `channel`; `onNotify` on each notification, `onLost` when the listening
   * connection broke (the caller listens again later; polling covers the gap).
   */
  listen(channel: string, onNotify: () => void, onLost: (error: Error) => void): Promise<Listening>;
  close(): Promise<void>;
}
