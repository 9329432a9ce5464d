import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller } from '@nestjs/common';
import type pg from 'pg';
import { MemoryTransport, MessageBus, Subscriber } from '../../lib/index.js';
import { InboxTransaction, pgDatabase, PostgresInboxStore } from '../../lib/outbox/index.js';
import { eventually, sleep } from '../support/poll.js';
import { bootOutboxApp, type OutboxApp } from './support/outbox-app.js';
import { testSchema, type TestSchema } from './support/schema.js';

let schemaName = '';
let failNext = 0;

@Controller()
class LedgerHandler {
  @Subscriber('outbox.test.payment', { transport: 'memory', group: 'ledger', idempotent: true, retry: { attempts: 3, backoff: { initialMs: 10 }, mode: 'in-process' } })
  async record(payload: { paymentId: string }) {
    const client = InboxTransaction.current<pg.PoolClient>();
    await client.query(`INSERT INTO "${schemaName}".ledger (payment_id) VALUES ($1)`, [payload.paymentId]);
    if (failNext > 0) {
      failNext--;
      throw new Error('ledger service hiccup');
    }
  }
}

/** The inbox: the processed mark and the handler's writes commit together, or not at all. */
describe('PostgreSQL inbox', () => {
  let schema: TestSchema;
  let app: OutboxApp;
  let store: PostgresInboxStore;
  const database = () => pgDatabase({ connectionString: schema.url });
  let inboxDb: ReturnType<typeof database>;
  const rows = async () => (await schema.pool.query(`SELECT payment_id FROM "${schemaName}".ledger ORDER BY payment_id`)).rows.map((r) => r.payment_id);

  beforeAll(async () => {
    schema = await testSchema('inbox');
    schemaName = schema.name;
    await schema.pool.query(`CREATE TABLE "${schema.name}".ledger (payment_id text NOT NULL)`);
    inboxDb = database();
    store = new PostgresInboxStore({ database: inboxDb, schema: schema.name });
    app = await bootOutboxApp({ schema: schema.name, url: schema.url, relay: false, transports: { memory: new MemoryTransport() }, handlers: [LedgerHandler], nestream: { idempotency: { store } } });
  });
  afterAll(async () => {
    await app.close();
    await inboxDb.close();
    await schema.drop();
  });

  it('a failed attempt rolls back its writes with its mark; the retry commits both once', async () => {
    failNext = 1;
    await app.app.get(MessageBus).publish('outbox.test.payment', { paymentId: 'p-1' }, { idempotencyKey: 'pay-1' });
    await eventually('the payment recorded', async () => (await rows()).length > 0, 5_000);
    await sleep(100);
    expect(await rows()).toEqual(['p-1']);
    expect(await store.has('ledger:LedgerHandler.record:pay-1')).toBe(true);
  });

  it('a redelivered copy is skipped: the side effect happened once', async () => {
    await app.app.get(MessageBus).publish('outbox.test.payment', { paymentId: 'p-1' }, { idempotencyKey: 'pay-1' });
    await app.app.get(MessageBus).publish('outbox.test.payment', { paymentId: 'p-2' }, { idempotencyKey: 'pay-2' });
    await eventually('the second payment', async () => (await rows()).includes('p-2'), 5_000);
    await sleep(100);
    expect(await rows()).toEqual(['p-1', 'p-2']);
  });

  it('copies racing on two consumers: the second waits on the first one\'s mark and is skipped', async () => {
    const other = new PostgresInboxStore({ database: inboxDb, schema: schema.name });
    const runs: string[] = [];
    const attempt = (name: string) => async () => {
      runs.push(name);
      await sleep(200);
      return name;
    };
    const [a, b] = await Promise.all([
      store.runInTransaction('race:key-1', 60_000, attempt('a')),
      sleep(50).then(() => other.runInTransaction('race:key-1', 60_000, attempt('b'))),
    ]);
    expect(a).toEqual({ duplicate: false, result: 'a' });
    expect(b).toEqual({ duplicate: true });
    expect(runs).toEqual(['a']);
  });

  it('outside a handler there is no inbox transaction', () => {
    expect(() => InboxTransaction.current()).toThrow(/not inside an idempotent handler/);
    expect(InboxTransaction.find()).toBeUndefined();
  });
});
