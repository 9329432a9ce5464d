import { pgDatabase, pgliteDatabase, type OutboxDatabase } from '../lib/outbox/index.js';

/** The sample's database: PostgreSQL at DATABASE_URL, else PGlite in-process (nothing to install or run). */
export interface SampleDatabase {
  readonly kind: 'postgres' | 'pglite';
  /** For the outbox relay and the inbox store. */
  readonly outbox: OutboxDatabase;
  /** Runs `work` in a transaction; the handle is a node-postgres PoolClient or a PGlite transaction. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface Queryable {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS orders (id serial PRIMARY KEY, item text NOT NULL, quantity integer NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS shipments (order_id integer PRIMARY KEY, shipped_at timestamptz NOT NULL DEFAULT now());`;

let opened: Promise<SampleDatabase> | undefined;

/** One per process: the outbox module, the inbox store and the controller share it. */
export function sampleDatabase(): Promise<SampleDatabase> {
  return (opened ??= open());
}

async function open(): Promise<SampleDatabase> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const outbox = pgDatabase({ connectionString: url });
    await outbox.exec(SCHEMA);
    return { kind: 'postgres', outbox, transaction: (work) => outbox.transaction((tx) => work(tx.native as Queryable)), close: () => outbox.close() };
  }
  // PGlite (PostgreSQL compiled to WebAssembly, from npm): a real PostgreSQL in this process,
  // in memory, with transactions and LISTEN/NOTIFY; the same SQL runs on both.
  const { PGlite } = await import('@electric-sql/pglite');
  const lite = new PGlite();
  await lite.exec(SCHEMA);
  const outbox = pgliteDatabase(lite);
  return {
    kind: 'pglite',
    outbox,
    transaction: (work) => lite.transaction((tx) => work(tx as Queryable)),
    close: async () => {
      opened = undefined;
      await lite.close();
    },
  };
}
