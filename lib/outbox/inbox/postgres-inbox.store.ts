import { ConfigurationError } from '../../core/errors.js';
import type { IdempotencyStore, TransactionalOutcome } from '../../core/idempotency-store.js';
import { sqlOf, type OutboxTransaction } from '../adapters/transaction-handle.js';
import type { OutboxDatabase } from '../database/outbox-database.js';
import { outboxQueries, type OutboxQueries } from '../outbox.queries.js';
import { outboxTables } from '../outbox.schema.js';
import { InboxTransaction } from './inbox-transaction.js';

/** Runs `work` in a transaction of the app's own and passes its handle (e.g. `(work) => dataSource.transaction(work)`). */
export type InboxTransactionRunner = <T>(work: (tx: OutboxTransaction) => Promise<T>) => Promise<T>;

export interface PostgresInboxStoreOptions {
  /** Transactions on nestream's connection (`pgDatabase`, `pgliteDatabase`); handlers get its PoolClient / PGlite transaction. */
  database?: OutboxDatabase;
  /** Or transactions of your ORM, so the handler writes through it; handlers get what it passes. */
  transaction?: InboxTransactionRunner;
  /** Schema of `nestream_inbox` (created with the outbox schema). Default 'public'. */
  schema?: string;
}

/**
 * The inbox: an idempotency store in PostgreSQL whose processed mark commits in the same
 * transaction as the handler's writes. Use it as `NestreamModule.forRoot({ idempotency: { store } })`
 * with `idempotent: true` handlers; each attempt runs in a transaction that first inserts the
 * mark (a copy being handled elsewhere waits on it, then sees the key taken), and the handler
 * gets that transaction from `InboxTransaction.current()`.
 */
export class PostgresInboxStore implements IdempotencyStore {
  private readonly queries: OutboxQueries;
  private readonly runner: InboxTransactionRunner;
  /** Marks just committed by runInTransaction: the chain's add() after it has nothing to write. */
  private readonly committed = new Set<string>();

  constructor(private readonly options: PostgresInboxStoreOptions) {
    if (!options.database && !options.transaction) throw new ConfigurationError('PostgresInboxStore needs `database` or `transaction`');
    this.queries = outboxQueries(outboxTables(options.schema));
    const database = options.database;
    this.runner = options.transaction ?? (<T>(work: (tx: OutboxTransaction) => Promise<T>) => database!.transaction((tx) => work(tx.native as OutboxTransaction)));
  }

  async has(key: string): Promise<boolean> {
    const rows = this.options.database
      ? await this.options.database.sql.query(this.queries.inboxHas, [key])
      : await this.runner((tx) => sqlOf(tx).query(this.queries.inboxHas, [key]));
    return rows.length > 0;
  }

  /** Dead-lettered messages are recorded here, outside any handler transaction. */
  async add(key: string, ttlMs: number): Promise<void> {
    if (this.committed.delete(key)) return;
    if (this.options.database) await this.options.database.sql.query(this.queries.inboxMark, [key, ttlMs]);
    else await this.runner((tx) => sqlOf(tx).query(this.queries.inboxMark, [key, ttlMs]));
  }

  async runInTransaction<T>(key: string, ttlMs: number, attempt: () => Promise<T>): Promise<TransactionalOutcome<T>> {
    const outcome = await this.runner(async (tx): Promise<TransactionalOutcome<T>> => {
      const marked = await sqlOf(tx).query(this.queries.inboxMark, [key, ttlMs]);
      if (marked.length === 0) return { duplicate: true };
      return { duplicate: false, result: await InboxTransaction.run(tx, attempt) };
    });
    if (!outcome.duplicate) {
      this.committed.add(key);
      // Bounded: a key add() never asked about (a chain without the idempotency step) must not pile up.
      if (this.committed.size > 10_000) this.committed.delete(this.committed.values().next().value as string);
    }
    return outcome;
  }
}
