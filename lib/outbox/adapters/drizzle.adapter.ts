import { loadOptionalPeer } from '../../observability/optional-peer.js';
import { rowsOf, type SqlExecutor } from '../sql-executor.js';
import { branded } from './executor-brand.js';

type DrizzleOrm = typeof import('drizzle-orm');

/** The part of a Drizzle (node-postgres) database or transaction the outbox uses. */
export interface DrizzleLike {
  execute(query: unknown): Promise<unknown>;
}

let drizzle: Promise<DrizzleOrm> | undefined;

/**
 * Drizzle on node-postgres: the `tx` of `db.transaction(async (tx) => ...)`. Statements go
 * through `tx.execute(sql...)`, built from the outbox's `$n` text with each value bound as a
 * parameter (`sql.param`, so arrays and buffers are never expanded into SQL).
 */
export function drizzleTransaction(tx: DrizzleLike): SqlExecutor {
  return branded({
    query: async <R>(text: string, params: readonly unknown[] = []) => {
      const { sql } = await (drizzle ??= loadOptionalPeer<DrizzleOrm>('drizzle-orm', 'the Drizzle outbox adapter'));
      const parts = text.split(/\$(\d+)/);
      const strings = parts.filter((_, i) => i % 2 === 0);
      const values = parts.filter((_, i) => i % 2 === 1).map((n) => sql.param(params[Number(n) - 1]));
      const template = Object.assign([...strings], { raw: strings }) as unknown as TemplateStringsArray;
      return rowsOf<R>(await tx.execute(sql(template, ...values)));
    },
  });
}
