import { loadOptionalPeer } from '../../observability/optional-peer.js';
import { rowsOf, type SqlExecutor } from '../sql-executor.js';
import { branded } from './executor-brand.js';

type KyselyModule = typeof import('kysely');

/** The part of a Kysely `Transaction` the outbox uses. */
export interface KyselyLike {
  executeQuery(query: never): Promise<unknown>;
}

let kysely: Promise<KyselyModule> | undefined;

/** Kysely (PostgresDialect): the `trx` of `db.transaction().execute(async (trx) => ...)`; raw compiled queries. */
export function kyselyTransaction(trx: KyselyLike): SqlExecutor {
  return branded({
    query: async <R>(text: string, params: readonly unknown[] = []) => {
      const { CompiledQuery } = await (kysely ??= loadOptionalPeer<KyselyModule>('kysely', 'the Kysely outbox adapter'));
      return rowsOf<R>(await trx.executeQuery(CompiledQuery.raw(text, [...params]) as never));
    },
  });
}
