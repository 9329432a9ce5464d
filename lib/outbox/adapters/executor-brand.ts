import type { SqlExecutor } from '../sql-executor.js';

const EXECUTOR = Symbol.for('nestream:sql-executor');

/** Marks what an adapter built, so handing it to `publish(tx, ...)` again passes it through. */
export function branded(executor: SqlExecutor): SqlExecutor {
  return Object.assign(executor, { [EXECUTOR]: true });
}

export function isBrandedExecutor(value: unknown): value is SqlExecutor {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[EXECUTOR] === true;
}
