import type { SqlExecutor } from '../sql-executor.js';
import type { OutboxQueries } from '../outbox.queries.js';

export interface OutboxStats {
  readonly pending: number;
  readonly dead: number;
  /** Age of the oldest pending event: how far the relay lags behind the writers. */
  readonly oldestPendingSeconds: number;
  /** When these were read. */
  readonly at: Date;
}

export async function readOutboxStats(sql: SqlExecutor, queries: OutboxQueries): Promise<OutboxStats> {
  const [row] = await sql.query<{ pending: number; dead: number; oldest_pending_seconds: number }>(queries.stats);
  return { pending: Number(row?.pending ?? 0), dead: Number(row?.dead ?? 0), oldestPendingSeconds: Number(row?.oldest_pending_seconds ?? 0), at: new Date() };
}

/** Deletes sent events older than the retention, and expired inbox marks, in bounded batches (short locks, no long DELETE). */
export async function cleanUp(sql: SqlExecutor, queries: OutboxQueries, retentionMs: number, batchSize: number, maxBatches = 10): Promise<number> {
  let deleted = 0;
  for (const [query, params] of [[queries.deleteSent, [retentionMs, batchSize]], [queries.deleteExpiredInbox, [batchSize]]] as const) {
    for (let i = 0; i < maxBatches; i++) {
      const rows = await sql.query<{ n: number }>(`WITH gone AS (${query} RETURNING 1) SELECT count(*)::integer AS n FROM gone`, params);
      const n = Number(rows[0]?.n ?? 0);
      deleted += n;
      if (n < batchSize) break;
    }
  }
  return deleted;
}
