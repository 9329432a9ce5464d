/**
 * The one thing the outbox needs of a database handle: run a parameterised statement
 * (`$1`, `$2`, ... placeholders, PostgreSQL's own) and get its rows. Every adapter
 * (node-postgres, TypeORM, Drizzle, Kysely, PGlite) comes down to this.
 */
export interface SqlExecutor {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

/** node-postgres and PGlite answer `{ rows }`; TypeORM answers the rows themselves. */
export function rowsOf<R>(result: unknown): R[] {
  if (Array.isArray(result)) return result as R[];
  const rows = (result as { rows?: unknown } | undefined)?.rows;
  return Array.isArray(rows) ? (rows as R[]) : [];
}

/** A quoted identifier (schema and table names come from options, never from user input, but quote anyway). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
