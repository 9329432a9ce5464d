import type { BackoffOptions } from '../core/backoff.js';
import { DEFAULT_BACKOFF } from '../core/backoff.js';
import type { OutboxDatabase } from './database/outbox-database.js';

export interface OutboxRelayOptions {
  /** Heads (keys) claimed per batch. Default 100. */
  batchSize?: number;
  /** Events of one key published per batch, one after another. Default 20. */
  perKey?: number;
  /** Polling interval: the fallback when a NOTIFY is missed or LISTEN is down. Default 1 s. */
  pollIntervalMs?: number;
  /** Publish attempts before an event is dead. Default 20 (about 10 minutes of failures with the default backoff). */
  maxAttempts?: number;
  /** Delay before each next attempt of a failed event. Default 500 ms, doubling, at most 60 s, ±10%. */
  backoff?: BackoffOptions;
  /** A publish that takes longer counts as failed (it may still arrive: at-least-once). Default 10 s. */
  publishTimeoutMs?: number;
  /** How long sent events are kept before cleanup deletes them. Default 24 h. */
  retentionMs?: number;
  /** Cleanup: rows per DELETE, and how often it runs. Default 1,000 rows every 60 s. */
  cleanupBatchSize?: number;
  cleanupIntervalMs?: number;
  /** How often pending/dead counts and the oldest pending age are read (metrics, health). Default 5 s. */
  statsIntervalMs?: number;
  /** Health turns `down` when the oldest pending event is older than this. Default 60 s. */
  maxLagMs?: number;
}

export interface OutboxModuleOptions {
  /** The relay's and the inbox's own database access: `pgDatabase({ connectionString })` or `pgliteDatabase(db)`. */
  database: OutboxDatabase;
  /** Schema of the tables. Default 'public'. */
  schema?: string;
  /** Run the schema SQL (idempotent) at startup. Default false: ship `outboxSchemaSql()` in a migration. */
  createSchema?: boolean;
  /** Run the relay in this app (default), with these options; `false` when a relay process of its own publishes. */
  relay?: OutboxRelayOptions | boolean;
}

export type ResolvedRelayOptions = Required<Omit<OutboxRelayOptions, 'backoff'>> & { readonly backoff: Required<BackoffOptions> };

export function resolveRelayOptions(options: OutboxRelayOptions = {}): ResolvedRelayOptions {
  return {
    batchSize: options.batchSize ?? 100,
    perKey: options.perKey ?? 20,
    pollIntervalMs: options.pollIntervalMs ?? 1_000,
    maxAttempts: options.maxAttempts ?? 20,
    backoff: { ...DEFAULT_BACKOFF, initialMs: 500, maxMs: 60_000, ...options.backoff },
    publishTimeoutMs: options.publishTimeoutMs ?? 10_000,
    retentionMs: options.retentionMs ?? 24 * 60 * 60 * 1000,
    cleanupBatchSize: options.cleanupBatchSize ?? 1_000,
    cleanupIntervalMs: options.cleanupIntervalMs ?? 60_000,
    statsIntervalMs: options.statsIntervalMs ?? 5_000,
    maxLagMs: options.maxLagMs ?? 60_000,
  };
}
