import type { OutboxTables } from './outbox.schema.js';

/** Class id of the outbox's advisory locks ('nest'), so they cannot collide with an app's one-argument locks. */
export const KEY_LOCK_CLASS = 0x6e657374 & 0x7fffffff;

/**
 * The columns the relay reads of an event; `seq` as text (a bigint does not fit every driver's
 * number). Its alias shadows the column in an unqualified ORDER BY, so order by `o.seq`.
 */
const EVENT_COLUMNS = 'seq::text AS seq, id, transport, topic, key, headers, payload, options, attempts, available_at <= now() AS due';

/**
 * Every statement the outbox runs, built once per schema. The claim is the heart of it:
 * see `claimHeads` and docs/outbox.md.
 */
export function outboxQueries(t: OutboxTables) {
  return {
    /**
     * Writers of one key queue behind each other from here to their commit, so the sequence
     * numbers of one key are taken in commit order (the relay publishes in `seq` order). The
     * NOTIFY is delivered only if the transaction commits.
     */
    lockKeyAndNotify: `SELECT pg_advisory_xact_lock(${KEY_LOCK_CLASS}, hashtext($1)), pg_notify($2, '')`,
    notify: `SELECT pg_notify($1, '')`,
    insert: `INSERT INTO ${t.outbox} (id, transport, topic, key, headers, payload, options) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb)`,

    /**
     * The head of each key: the oldest pending event of its key that is due, locked with SKIP
     * LOCKED. Only heads are candidates (NOT EXISTS an older pending event of the same key), and
     * a head stays pending until its relay commits, so while one relay holds a head no other
     * relay can take that key's head (locked, skipped) or any later event of it (not a head).
     * Events without a key have no order and are all heads.
     */
    claimHeads: `SELECT ${EVENT_COLUMNS} FROM ${t.outbox} o
      WHERE o.status = 'pending' AND o.available_at <= now()
        AND NOT EXISTS (SELECT 1 FROM ${t.outbox} p WHERE p.status = 'pending' AND p.key = o.key AND p.seq < o.seq)
      ORDER BY o.seq LIMIT $1 FOR UPDATE SKIP LOCKED`,

    /** The pending events after each claimed head of its key (the key is ours while we hold its head). */
    followers: `SELECT f.* FROM unnest($1::text[], $2::bigint[]) AS k(key, after)
      CROSS JOIN LATERAL (SELECT ${EVENT_COLUMNS} FROM ${t.outbox} o
        WHERE o.status = 'pending' AND o.key = k.key AND o.seq > k.after ORDER BY o.seq LIMIT $3) f`,

    markSent: `UPDATE ${t.outbox} SET status = 'sent', sent_at = now(), last_error = NULL WHERE seq = ANY($1::bigint[])`,
    /** $1 seq, $2 error, $3 delay ms, $4 max attempts: pending again after the delay, or dead. */
    markFailed: `UPDATE ${t.outbox} SET attempts = attempts + 1, last_error = $2,
        available_at = now() + $3::integer * interval '1 millisecond',
        status = CASE WHEN attempts + 1 >= $4::integer THEN 'dead' ELSE 'pending' END
      WHERE seq = $1::bigint RETURNING status`,

    stats: `SELECT count(*) FILTER (WHERE status = 'pending')::integer AS pending,
        count(*) FILTER (WHERE status = 'dead')::integer AS dead,
        COALESCE(EXTRACT(EPOCH FROM now() - min(created_at) FILTER (WHERE status = 'pending')), 0)::float8 AS oldest_pending_seconds
      FROM ${t.outbox} WHERE status IN ('pending', 'dead')`,

    /** $1 retention ms, $2 batch size: one bounded batch of sent events older than the retention. */
    deleteSent: `DELETE FROM ${t.outbox} WHERE seq IN (SELECT seq FROM ${t.outbox}
      WHERE status = 'sent' AND sent_at < now() - $1::bigint * interval '1 millisecond' ORDER BY sent_at LIMIT $2)`,
    deleteExpiredInbox: `DELETE FROM ${t.inbox} WHERE key IN (SELECT key FROM ${t.inbox} WHERE expires_at < now() LIMIT $1)`,

    /** $1 ids or null for every dead event: pending again, attempts from zero. */
    redrive: `UPDATE ${t.outbox} SET status = 'pending', attempts = 0, available_at = now(), last_error = NULL
      WHERE status = 'dead' AND ($1::text[] IS NULL OR id = ANY($1::text[])) RETURNING id`,
    dead: `SELECT id, transport, topic, key, attempts, last_error, created_at FROM ${t.outbox} WHERE status = 'dead' ORDER BY seq LIMIT $1`,

    /** $1 key, $2 ttl ms: a row back when the key was not processed (or its mark expired). */
    inboxMark: `INSERT INTO ${t.inbox} (key, expires_at) VALUES ($1, now() + $2::bigint * interval '1 millisecond')
      ON CONFLICT (key) DO UPDATE SET processed_at = now(), expires_at = EXCLUDED.expires_at
        WHERE ${t.inbox}.expires_at <= now()
      RETURNING key`,
    inboxHas: `SELECT 1 AS found FROM ${t.inbox} WHERE key = $1 AND expires_at > now()`,
  };
}

export type OutboxQueries = ReturnType<typeof outboxQueries>;

/** An event row as the relay reads it. */
export interface OutboxRow {
  readonly seq: string;
  readonly id: string;
  readonly transport: string;
  readonly topic: string;
  readonly key: string | null;
  readonly headers: Record<string, string>;
  readonly payload: Uint8Array;
  readonly options: Record<string, unknown> | null;
  readonly attempts: number;
  readonly due: boolean;
}
