import { ident } from './sql-executor.js';

/** Where the outbox and inbox tables live, and the LISTEN/NOTIFY channel their writes wake. */
export interface OutboxTables {
  readonly schema: string;
  /** `"schema"."nestream_outbox"` */
  readonly outbox: string;
  /** `"schema"."nestream_inbox"` */
  readonly inbox: string;
  /** Notification channel, per schema so two apps sharing a database do not wake each other. */
  readonly channel: string;
}

export function outboxTables(schema = 'public'): OutboxTables {
  return {
    schema,
    outbox: `${ident(schema)}.nestream_outbox`,
    inbox: `${ident(schema)}.nestream_inbox`,
    channel: `nestream_outbox_${schema}`.slice(0, 63),
  };
}

/**
 * The schema, idempotent (IF NOT EXISTS throughout): run it in a migration, or let
 * `createSchema: true` run it at startup.
 *
 * - `seq` orders the events: per key, the relay publishes in `seq` order; writers of one key
 *   take a transaction lock before they insert, so `seq` follows commit order per key.
 * - `id` is the event's id: its `message_id` and, by default, its idempotency key.
 * - `status`: pending → sent, or pending → dead after the last attempt (re-driven by hand).
 * - the partial indexes keep the relay's queries on pending rows however many sent rows wait
 *   for cleanup.
 */
export function outboxSchemaSql(schema = 'public'): string {
  const t = outboxTables(schema);
  return `
CREATE SCHEMA IF NOT EXISTS ${ident(schema)};
CREATE TABLE IF NOT EXISTS ${t.outbox} (
  seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id           text        NOT NULL UNIQUE,
  transport    text        NOT NULL,
  topic        text        NOT NULL,
  key          text,
  headers      jsonb       NOT NULL,
  payload      bytea       NOT NULL,
  options      jsonb,
  status       text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
  attempts     integer     NOT NULL DEFAULT 0,
  available_at timestamptz NOT NULL DEFAULT now(),
  last_error   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  sent_at      timestamptz
);
CREATE INDEX IF NOT EXISTS nestream_outbox_pending ON ${t.outbox} (seq) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS nestream_outbox_pending_key ON ${t.outbox} (key, seq) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS nestream_outbox_dead ON ${t.outbox} (seq) WHERE status = 'dead';
CREATE INDEX IF NOT EXISTS nestream_outbox_sent ON ${t.outbox} (sent_at) WHERE status = 'sent';
CREATE TABLE IF NOT EXISTS ${t.inbox} (
  key          text        PRIMARY KEY,
  processed_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS nestream_inbox_expires ON ${t.inbox} (expires_at);
`;
}
