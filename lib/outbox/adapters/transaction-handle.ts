import { ConfigurationError } from '../../core/errors.js';
import type { SqlExecutor } from '../sql-executor.js';
import { drizzleTransaction, type DrizzleLike } from './drizzle.adapter.js';
import { isBrandedExecutor } from './executor-brand.js';
import { kyselyTransaction, type KyselyLike } from './kysely.adapter.js';
import { pgTransaction, type PgQueryable } from './pg.adapter.js';
import { typeormTransaction, type TypeOrmEntityManagerLike, type TypeOrmQueryRunnerLike } from './typeorm.adapter.js';

/**
 * A transaction handle `publish(tx, ...)` accepts as it is: a node-postgres `PoolClient`, a
 * TypeORM `EntityManager` / `QueryRunner`, a Drizzle or Kysely transaction, a PGlite
 * transaction, or what one of the adapter functions returned.
 */
export type OutboxTransaction = SqlExecutor | PgQueryable | TypeOrmEntityManagerLike | TypeOrmQueryRunnerLike | DrizzleLike | KyselyLike;

const fn = (value: unknown, name: string) => typeof (value as Record<string, unknown>)[name] === 'function';

/** Recognises the handle by its shape (the adapter functions say it explicitly, for handles that look alike). */
export function sqlOf(tx: OutboxTransaction): SqlExecutor {
  if (isBrandedExecutor(tx)) return tx;
  if (typeof tx !== 'object' || tx === null) throw new ConfigurationError('nestream outbox: publish(tx, ...) needs a transaction handle');
  if (fn(tx, 'executeQuery') && fn(tx, 'selectFrom')) return kyselyTransaction(tx as KyselyLike);
  if (fn(tx, 'execute') && fn(tx, 'select') && !fn(tx, 'query')) return drizzleTransaction(tx as DrizzleLike);
  if ('isTransactionActive' in tx || fn(tx, 'getRepository')) {
    return typeormTransaction(tx as TypeOrmEntityManagerLike | TypeOrmQueryRunnerLike);
  }
  if (fn(tx, 'query')) return pgTransaction(tx as PgQueryable);
  throw new ConfigurationError('nestream outbox: unrecognised transaction handle; wrap it with pgTransaction, typeormTransaction, drizzleTransaction or kyselyTransaction');
}
