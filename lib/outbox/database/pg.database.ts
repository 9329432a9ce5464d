import type { Pool, PoolConfig } from 'pg';
import { loadOptionalPeer } from '../../observability/optional-peer.js';
import { pgTransaction } from '../adapters/pg.adapter.js';
import { ident } from '../sql-executor.js';
import type { DatabaseTransaction, Listening, OutboxDatabase } from './outbox-database.js';

type PgModule = typeof import('pg');

export interface PgDatabaseOptions {
  /** `postgres://user@host:port/db`; or `pool` / the rest of node-postgres' `PoolConfig`. */
  connectionString?: string;
  /** A pool of the app's own (not closed by nestream). */
  pool?: Pool;
  /** Passed to the pool nestream creates. Default max 4: the relay needs one or two connections. */
  poolConfig?: PoolConfig;
}

/** node-postgres as the relay's database. `pg` is an optional peer, imported only here. */
export function pgDatabase(options: PgDatabaseOptions): OutboxDatabase {
  return new PgDatabase(options);
}

class PgDatabase implements OutboxDatabase {
  private pool?: Promise<Pool>;
  private readonly ownsPool: boolean;

  constructor(private readonly options: PgDatabaseOptions) {
    this.ownsPool = !options.pool;
  }

  readonly sql = pgTransaction({ query: async (text, values) => (await this.connectedPool()).query(text, values) });

  async exec(script: string): Promise<void> {
    // No parameters: node-postgres sends it as a simple query, which may hold several statements.
    await (await this.connectedPool()).query(script);
  }

  async transaction<T>(work: (tx: DatabaseTransaction) => Promise<T>): Promise<T> {
    const client = await (await this.connectedPool()).connect();
    let broken: Error | undefined;
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await work({ sql: pgTransaction(client), native: client, lost: () => broken !== undefined });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken ??= rollbackError));
      throw error;
    } finally {
      client.off('error', onError);
      // A connection that failed is dropped from the pool rather than handed out again.
      client.release(broken ?? false);
    }
  }

  async listen(channel: string, onNotify: () => void, onLost: (error: Error) => void): Promise<Listening> {
    const pg = await loadPg();
    // A client of its own, outside the pool: LISTEN belongs to one session for its whole life.
    const client = new pg.Client(this.options.pool ? (this.options.pool as unknown as { options: PoolConfig }).options : this.clientConfig());
    let closing = false;
    const lost = (error: Error) => {
      if (closing) return;
      closing = true;
      client.end().catch(() => undefined);
      onLost(error);
    };
    client.on('error', lost);
    client.on('end', () => lost(new Error('LISTEN connection ended')));
    client.on('notification', (message) => message.channel === channel && onNotify());
    try {
      await client.connect();
      await client.query(`LISTEN ${ident(channel)}`);
    } catch (error) {
      closing = true;
      await client.end().catch(() => undefined);
      throw error;
    }
    return {
      close: async () => {
        closing = true;
        await client.end().catch(() => undefined);
      },
    };
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (pool && this.ownsPool) await (await pool).end();
  }

  private clientConfig(): PoolConfig {
    return { connectionString: this.options.connectionString, ...this.options.poolConfig };
  }

  private connectedPool(): Promise<Pool> {
    if (this.options.pool) return Promise.resolve(this.options.pool);
    this.pool ??= loadPg().then((pg) => {
      const pool = new pg.Pool({ max: 4, ...this.clientConfig() });
      // An idle client that loses its connection (a database restart) emits here; the pool drops it.
      pool.on('error', () => undefined);
      return pool;
    });
    return this.pool;
  }
}

let pgModule: Promise<PgModule> | undefined;
function loadPg(): Promise<PgModule> {
  return (pgModule ??= loadOptionalPeer<PgModule>('pg', 'the PostgreSQL outbox'));
}

