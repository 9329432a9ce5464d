// `nestream/outbox`: the transactional outbox and inbox on PostgreSQL, apart from the main entry
// so that apps without it never load it (`pg`, the ORMs and PGlite are optional peers).
export { NestreamOutboxModule, NestreamOutboxFeatureModule, type OutboxFeatureEntry } from './outbox.module.js';
export type { OutboxModuleOptions, OutboxRelayOptions } from './outbox.options.js';
export { InjectOutbox, getOutboxToken } from './outbox.tokens.js';
export { OutboxPublisher } from './outbox.publisher.js';
export { OutboxWriter, type OutboxReceipt } from './outbox.writer.js';
export { OutboxAdmin, type DeadOutboxEvent } from './outbox.admin.js';
export { OutboxRuntime } from './outbox.runtime.js';
export type { OutboxHealthReport } from './outbox.health.js';
export type { OutboxStats } from './relay/outbox-stats.js';
export { OutboxRelay, type RelayState } from './relay/outbox-relay.js';
export { outboxSchemaSql, outboxTables, type OutboxTables } from './outbox.schema.js';

// Transaction handles
export type { SqlExecutor } from './sql-executor.js';
export { sqlOf, type OutboxTransaction } from './adapters/transaction-handle.js';
export { pgTransaction, type PgQueryable } from './adapters/pg.adapter.js';
export { typeormTransaction } from './adapters/typeorm.adapter.js';
export { drizzleTransaction } from './adapters/drizzle.adapter.js';
export { kyselyTransaction } from './adapters/kysely.adapter.js';

// The relay's own database
export type { OutboxDatabase, DatabaseTransaction } from './database/outbox-database.js';
export { pgDatabase, type PgDatabaseOptions } from './database/pg.database.js';
export { pgliteDatabase, type PGliteLike } from './database/pglite.database.js';

// Inbox
export { PostgresInboxStore, type PostgresInboxStoreOptions, type InboxTransactionRunner } from './inbox/postgres-inbox.store.js';
export { InboxTransaction } from './inbox/inbox-transaction.js';
