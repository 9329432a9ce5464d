import { pgTransaction, type PgQueryable } from '../adapters/pg.adapter.js';
import type { DatabaseTransaction, Listening, OutboxDatabase } from './outbox-database.js';

/** The parts of a PGlite instance the outbox uses (structural, so nestream needs no PGlite types). */
export interface PGliteLike extends PgQueryable {
  exec(script: string): Promise<unknown>;
  transaction<T>(work: (tx: PgQueryable) => Promise<T>): Promise<T>;
  listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>>;
}

/**
 * PGlite (PostgreSQL in WebAssembly, in-process) as the relay's database: what the sample uses
 * when no DATABASE_URL is set. One connection in all, so transactions run one at a time; fine
 * for development and tests, not for several relays (there is one process anyway).
 * The instance belongs to the caller, who closes it.
 */
export function pgliteDatabase(db: PGliteLike): OutboxDatabase {
  return {
    sql: pgTransaction(db),
    exec: async (script: string) => {
      await db.exec(script);
    },
    transaction: <T>(work: (tx: DatabaseTransaction) => Promise<T>) => db.transaction((tx) => work({ sql: pgTransaction(tx), native: tx })),
    listen: async (channel: string, onNotify: () => void): Promise<Listening> => {
      const unlisten = await db.listen(channel, () => onNotify());
      return { close: () => unlisten() };
    },
    close: async () => undefined,
  };
}
