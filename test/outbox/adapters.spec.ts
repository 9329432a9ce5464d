import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { sql as drizzleSql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { Kysely, PostgresDialect, sql as kyselySql } from 'kysely';
import { DataSource } from 'typeorm';
import { MemoryTransport } from '../../lib/index.js';
import { drizzleTransaction, kyselyTransaction, outboxSchemaSql, pgliteDatabase, typeormTransaction, type OutboxTransaction } from '../../lib/outbox/index.js';
import { eventually } from '../support/poll.js';
import { bootOutboxApp, type OutboxApp } from './support/outbox-app.js';
import { Probe } from './support/probe.js';
import { testSchema, type TestSchema } from './support/schema.js';

const TOPIC = 'outbox.test.order-placed';

/**
 * Each transaction handle a Nest app has, against the real database: the order row and its
 * event commit together, or roll back together. Handles are passed as they are (recognised by
 * shape) and through their explicit adapter function.
 */
describe('transaction adapters', () => {
  let schema: TestSchema;
  let outbox: OutboxApp;
  let probe: Probe;
  const memory = new MemoryTransport();
  let typeorm: DataSource;
  let kysely: Kysely<never>;

  beforeAll(async () => {
    schema = await testSchema('adapters');
    await schema.pool.query(`CREATE TABLE "${schema.name}".orders (id text PRIMARY KEY)`);
    probe = await Probe.on(memory, TOPIC, 'probe');
    outbox = await bootOutboxApp({ schema: schema.name, url: schema.url, transports: { memory } });
    typeorm = new DataSource({ type: 'postgres', url: schema.url, entities: [] });
    await typeorm.initialize();
    kysely = new Kysely<never>({ dialect: new PostgresDialect({ pool: schema.pool }) });
  });
  afterAll(async () => {
    await typeorm?.destroy();
    await outbox.close();
    await schema.drop();
  });

  const insertOrder = (id: string) => `INSERT INTO "${schema.name}".orders (id) VALUES ('${id}')`;
  const orderExists = async (id: string) => (await schema.pool.query(`SELECT 1 FROM "${schema.name}".orders WHERE id = $1`, [id])).rowCount === 1;
  const published = (id: string) => probe.received.some((r) => r.payload.orderId === id);

  /** Runs `write` in a transaction of that library; `fail` makes the transaction roll back after it. */
  type Runner = (orderId: string, publish: (tx: OutboxTransaction) => Promise<unknown>, fail: boolean) => Promise<void>;
  const runners: Record<string, Runner> = {
    'TypeORM EntityManager': (id, publish, fail) =>
      typeorm.transaction(async (manager) => {
        await manager.query(insertOrder(id));
        await publish(manager);
        if (fail) throw new Error('rollback');
      }),
    'TypeORM QueryRunner (typeormTransaction)': async (id, publish, fail) => {
      const runner = typeorm.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      try {
        await runner.query(insertOrder(id));
        await publish(typeormTransaction(runner));
        if (fail) throw new Error('rollback');
        await runner.commitTransaction();
      } catch (error) {
        await runner.rollbackTransaction();
        throw error;
      } finally {
        await runner.release();
      }
    },
    'Drizzle (node-postgres)': (id, publish, fail) =>
      drizzle(schema.pool).transaction(async (tx) => {
        await tx.execute(drizzleSql.raw(insertOrder(id)));
        await publish(tx);
        if (fail) throw new Error('rollback');
      }),
    'Drizzle (drizzleTransaction)': (id, publish, fail) =>
      drizzle(schema.pool).transaction(async (tx) => {
        await tx.execute(drizzleSql.raw(insertOrder(id)));
        await publish(drizzleTransaction(tx));
        if (fail) throw new Error('rollback');
      }),
    Kysely: (id, publish, fail) =>
      kysely.transaction().execute(async (trx) => {
        await kyselySql.raw(insertOrder(id)).execute(trx);
        await publish(trx);
        if (fail) throw new Error('rollback');
      }),
    'Kysely (kyselyTransaction)': (id, publish, fail) =>
      kysely.transaction().execute(async (trx) => {
        await kyselySql.raw(insertOrder(id)).execute(trx);
        await publish(kyselyTransaction(trx));
        if (fail) throw new Error('rollback');
      }),
  };

  for (const [name, run] of Object.entries(runners)) {
    it(`${name}: commit publishes, rollback leaves nothing`, async () => {
      const slug = name.replace(/\W+/g, '-').toLowerCase();
      await expect(run(`${slug}-rolled`, (tx) => outbox.orders.publish(tx, { orderId: `${slug}-rolled`, n: 0 }, { key: slug }), true)).rejects.toThrow('rollback');
      await run(`${slug}-ok`, (tx) => outbox.orders.publish(tx, { orderId: `${slug}-ok`, n: 1 }, { key: slug }), false);
      await eventually(`${name}: the committed event published`, () => published(`${slug}-ok`), 10_000);
      expect(await orderExists(`${slug}-ok`)).toBe(true);
      expect(await orderExists(`${slug}-rolled`)).toBe(false);
      expect(published(`${slug}-rolled`)).toBe(false);
    });
  }

  it('a TypeORM manager outside a transaction is refused (the event would not share it)', async () => {
    await expect(outbox.orders.publish(typeorm.manager, { orderId: 'nope', n: 0 })).rejects.toThrow(/not in a transaction/);
  });
});

/** PGlite (PostgreSQL in WebAssembly, what the sample runs on without DATABASE_URL): writes and relay in one process. */
describe('PGlite', () => {
  it('commit publishes, rollback leaves nothing, LISTEN/NOTIFY wakes the relay', async () => {
    const db = new PGlite();
    await db.exec(outboxSchemaSql('public'));
    await db.exec('CREATE TABLE orders (id text PRIMARY KEY)');
    const memory = new MemoryTransport();
    const probe = await Probe.on(memory, TOPIC, 'probe');
    // A slow poll: only the notification can deliver within the wait below.
    const outbox = await bootOutboxApp({ schema: 'public', database: pgliteDatabase(db), transports: { memory }, relay: { pollIntervalMs: 60_000 } });
    try {
      await expect(
        db.transaction(async (tx) => {
          await tx.query(`INSERT INTO orders (id) VALUES ('lite-rolled')`);
          await outbox.orders.publish(tx, { orderId: 'lite-rolled', n: 0 }, { key: 'lite' });
          throw new Error('rollback');
        }),
      ).rejects.toThrow('rollback');
      await db.transaction(async (tx) => {
        await tx.query(`INSERT INTO orders (id) VALUES ('lite-ok')`);
        await outbox.orders.publish(tx, { orderId: 'lite-ok', n: 1 }, { key: 'lite' });
      });
      await eventually('the PGlite event published', () => probe.received.some((r) => r.payload.orderId === 'lite-ok'), 5_000);
      expect(probe.received.map((r) => r.payload.orderId)).toEqual(['lite-ok']);
      expect((await db.query(`SELECT status FROM nestream_outbox`)).rows).toEqual([{ status: 'sent' }]);
    } finally {
      await outbox.close();
      await db.close();
    }
  });
});
