import { rowsOf, type SqlExecutor } from '../sql-executor.js';
import { branded } from './executor-brand.js';

/** What node-postgres' `Client` / `PoolClient` and PGlite (and its transactions) have in common. */
export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

/**
 * node-postgres: the `PoolClient` (or `Client`) your transaction runs on, between its BEGIN and
 * COMMIT. PGlite's transaction object (`db.transaction(async (tx) => ...)`) works the same way.
 */
export function pgTransaction(client: PgQueryable): SqlExecutor {
  return branded({ query: async <R>(text: string, params: readonly unknown[] = []) => rowsOf<R>(await client.query(text, [...params])) });
}
