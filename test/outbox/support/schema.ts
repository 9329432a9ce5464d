import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { outboxSchemaSql } from '../../../lib/outbox/index.js';
import { databaseUrl } from '../../support/postgres.js';

/** A schema of a test's own with the outbox and inbox tables in it, and a pool on the test database; `drop()` removes both. */
export interface TestSchema {
  readonly name: string;
  readonly url: string;
  readonly pool: pg.Pool;
  /** Rows of the outbox by status. */
  counts(): Promise<Record<'pending' | 'sent' | 'dead', number>>;
  drop(): Promise<void>;
}

export async function testSchema(label: string, url = databaseUrl()): Promise<TestSchema> {
  const name = `t_${label}_${randomBytes(3).toString('hex')}`;
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  await pool.query(outboxSchemaSql(name));
  return {
    name,
    url,
    pool,
    counts: async () => {
      const { rows } = await pool.query<{ status: string; n: number }>(`SELECT status, count(*)::integer AS n FROM "${name}".nestream_outbox GROUP BY status`);
      const counts = { pending: 0, sent: 0, dead: 0 };
      for (const row of rows) counts[row.status as keyof typeof counts] = row.n;
      return counts;
    },
    drop: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`).catch(() => undefined);
      await pool.end();
    },
  };
}

/** Runs `work` in a transaction on a client of the pool; rolls back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
