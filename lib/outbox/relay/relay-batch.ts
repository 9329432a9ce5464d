import { backoffDelay } from '../../core/backoff.js';
import { redactSecrets } from '../../core/redact.js';
import type { OutboxDatabase } from '../database/outbox-database.js';
import type { ResolvedRelayOptions } from '../outbox.options.js';
import type { OutboxQueries, OutboxRow } from '../outbox.queries.js';

export interface BatchResult {
  /** Keys (and key-less events) claimed. */
  readonly heads: number;
  readonly sent: readonly OutboxRow[];
  readonly failed: readonly OutboxRow[];
  readonly dead: readonly OutboxRow[];
  /** True when more events are waiting than this batch took: look again at once. */
  readonly full: boolean;
}

export type PublishRow = (row: OutboxRow) => Promise<void>;

/**
 * One claim → publish → mark cycle, in one transaction. The claimed heads stay locked (and
 * pending) until the commit, which is what keeps every other relay off their keys; a relay
 * that dies mid-batch rolls back, and its events are published again (at-least-once).
 * Each key's events go one after another; keys go side by side. A failure holds its key: the
 * failed event is retried after its backoff, and nothing after it is published before it.
 */
export async function runRelayBatch(database: OutboxDatabase, queries: OutboxQueries, options: ResolvedRelayOptions, publish: PublishRow): Promise<BatchResult> {
  return database.transaction(async ({ sql, lost }) => {
    const heads = await sql.query<OutboxRow>(queries.claimHeads, [options.batchSize]);
    if (heads.length === 0) return { heads: 0, sent: [], failed: [], dead: [], full: false };
    const lanes = await lanesOf(heads, (keyed) =>
      sql.query<OutboxRow>(queries.followers, [keyed.map((row) => row.key), keyed.map((row) => row.seq), options.perKey - 1]),
      options.perKey,
    );
    const sent: OutboxRow[] = [];
    const failures: { row: OutboxRow; error: unknown }[] = [];
    let fullLane = false;
    await Promise.all(
      lanes.map(async (lane) => {
        for (const row of lane) {
          // A later event still in its backoff (a re-driven head's followers) waits with its key.
          if (!row.due) return;
          // The batch can no longer commit: publishing more would only make more re-sends.
          if (lost?.()) return;
          try {
            await publish(row);
            sent.push(row);
          } catch (error) {
            failures.push({ row, error });
            return;
          }
        }
        if (lane.length === options.perKey) fullLane = true;
      }),
    );
    if (sent.length > 0) await sql.query(queries.markSent, [sent.map((row) => row.seq)]);
    const dead: OutboxRow[] = [];
    for (const { row, error } of failures) {
      const delay = backoffDelay(row.attempts + 1, options.backoff);
      const [marked] = await sql.query<{ status: string }>(queries.markFailed, [row.seq, describe(error), delay, options.maxAttempts]);
      if (marked?.status === 'dead') dead.push(row);
    }
    return { heads: heads.length, sent, failed: failures.map((f) => f.row), dead, full: heads.length === options.batchSize || fullLane };
  });
}

/** Each head with the pending events of its key after it, in `seq` order. */
async function lanesOf(heads: OutboxRow[], followersOf: (keyed: OutboxRow[]) => Promise<OutboxRow[]>, perKey: number): Promise<OutboxRow[][]> {
  const keyed = heads.filter((row) => row.key !== null);
  const followers = perKey > 1 && keyed.length > 0 ? await followersOf(keyed) : [];
  const byKey = new Map<string, OutboxRow[]>();
  for (const row of followers) {
    const list = byKey.get(row.key!) ?? [];
    list.push(row);
    byKey.set(row.key!, list);
  }
  return heads.map((head) => {
    const rest = head.key === null ? [] : (byKey.get(head.key) ?? []).sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
    return [head, ...rest];
  });
}

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return redactSecrets(text).slice(0, 2000);
}
