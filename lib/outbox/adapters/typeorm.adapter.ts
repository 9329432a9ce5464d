import { ConfigurationError } from '../../core/errors.js';
import { rowsOf, type SqlExecutor } from '../sql-executor.js';
import { branded } from './executor-brand.js';

/** The parts of TypeORM's `QueryRunner` the outbox uses. */
export interface TypeOrmQueryRunnerLike {
  readonly isTransactionActive: boolean;
  query(query: string, parameters?: unknown[]): Promise<unknown>;
}

/** The parts of TypeORM's `EntityManager` the outbox uses. */
export interface TypeOrmEntityManagerLike {
  readonly queryRunner?: TypeOrmQueryRunnerLike;
  query(query: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * TypeORM: the `EntityManager` that `dataSource.transaction(async (manager) => ...)` hands you,
 * or a `QueryRunner` after `startTransaction()`. A manager outside a transaction runs each query
 * on any pooled connection, so the event would not share the caller's transaction: refused.
 * (Rows come back as TypeORM returns them for SELECT and INSERT: the rows themselves.)
 */
export function typeormTransaction(handle: TypeOrmEntityManagerLike | TypeOrmQueryRunnerLike): SqlExecutor {
  const runner = 'isTransactionActive' in handle ? handle : handle.queryRunner;
  if (!runner?.isTransactionActive) {
    throw new ConfigurationError('nestream outbox: the TypeORM handle is not in a transaction; pass the manager of dataSource.transaction(...) or a QueryRunner after startTransaction()');
  }
  return branded({ query: async <R>(text: string, params: readonly unknown[] = []) => rowsOf<R>(await handle.query(text, [...params])) });
}
