import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller } from '@nestjs/common';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { Subscriber, type Transport } from '../../lib/index.js';
import { InboxTransaction, pgDatabase, PostgresInboxStore, type OutboxDatabase } from '../../lib/outbox/index.js';
import { eventually } from '../support/poll.js';
import { bootOutboxApp, type OutboxApp } from './support/outbox-app.js';
import { Probe } from './support/probe.js';
import { testSchema, type TestSchema } from './support/schema.js';
import { redisStreams } from './support/transports.js';
import { writeEvents } from './support/write-events.js';

const REGISTER = fileURLToPath(new URL('../support/ts-register.mjs', import.meta.url));
const CHILD = fileURLToPath(new URL('./support/relay-child.ts', import.meta.url));
const EVENTS = 300;
const KEYS = 30;
const topic = `outbox.crash.${randomBytes(4).toString('hex')}`;
let schemaName = '';

/** The inbox consumer: its side effect is a row written in the handler's inbox transaction. */
@Controller()
class ShippingHandler {
  @Subscriber(topic, { transport: 'redis', group: 'shipping', idempotent: true, retry: false })
  async ship(payload: { orderId: string; n: number }) {
    const client = InboxTransaction.current<pg.PoolClient>();
    await client.query(`INSERT INTO "${schemaName}".shipments (order_id, n) VALUES ($1, $2)`, [payload.orderId, payload.n]);
  }
}

/** A relay process SIGKILLed in the middle of a batch: nothing lost; the inbox turns the re-sends into one side effect each. */
describe('relay killed mid-batch (Redis Streams)', () => {
  let schema: TestSchema;
  let consumer: OutboxApp;
  let inboxDb: OutboxDatabase;
  let probe: Probe;
  let relay: OutboxApp | undefined;
  const transports: Transport[] = [];
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    schema = await testSchema('crash');
    schemaName = schema.name;
    await schema.pool.query(`CREATE TABLE "${schema.name}".shipments (order_id text NOT NULL, n integer NOT NULL)`);
    const probeTransport = redisStreams();
    transports.push(probeTransport);
    probe = await Probe.on(probeTransport, topic, 'probe');
    inboxDb = pgDatabase({ connectionString: schema.url });
    // The consuming service writes with its own outbox app (relay off) and consumes through the inbox.
    consumer = await bootOutboxApp({
      schema: schema.name,
      url: schema.url,
      relay: false,
      transports: { redis: redisStreams() },
      handlers: [ShippingHandler],
      nestream: { idempotency: { store: new PostgresInboxStore({ database: inboxDb, schema: schema.name }) } },
    });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await relay?.close();
    await consumer?.close();
    await inboxDb?.close();
    await Promise.allSettled(transports.map((t) => t.close()));
    await schema.drop();
  });

  it('SIGKILL mid-batch: every event arrives, re-sends only as at-least-once allows, and each side effect happens once', async () => {
    await writeEvents(schema.pool, consumer.writeTo(topic), EVENTS, KEYS, 50);
    child = spawn(process.execPath, ['--import', REGISTER, CHILD, schema.url, schema.name, '50'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout! });
    await new Promise<void>((resolve, reject) => {
      lines.on('line', (line) => line === 'ready' && resolve());
      child!.once('exit', (code) => reject(new Error(`relay child exited with ${code}`)));
    });
    // Let it publish part of the outbox, then kill it without warning.
    await eventually('the child relay publishing', () => probe.ids().size >= 30, 30_000);
    child.kill('SIGKILL');
    await once(child, 'exit');
    const afterKill = await schema.counts();
    expect(afterKill.pending).toBeGreaterThan(0);

    relay = await bootOutboxApp({ schema: schema.name, url: schema.url, transports: { redis: redisStreams() } });
    await eventually('every event delivered', () => probe.ids().size === EVENTS, 60_000);
    await eventually('the outbox drained', async () => (await schema.counts()).sent === EVENTS, 10_000);
    // The batch in flight when the child died was published and never marked: it went again.
    expect(probe.received.length).toBeGreaterThan(EVENTS);
    expect(probe.orderViolations()).toEqual([]);

    const shipments = async () => (await schema.pool.query<{ n: number }>(`SELECT count(*)::integer AS n FROM "${schema.name}".shipments`)).rows[0]!.n;
    await eventually('every shipment', async () => (await shipments()) >= EVENTS, 30_000);
    // Give the consumer time to see the re-sent copies too, then count: one row per event.
    await eventually('the consumer caught up with the copies', async () => {
      const { rows } = await schema.pool.query<{ n: number }>(`SELECT count(*)::integer AS n FROM "${schema.name}".nestream_inbox`);
      return rows[0]!.n === EVENTS;
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const { rows } = await schema.pool.query<{ order_id: string; n: number; copies: number }>(
      `SELECT order_id, n, count(*)::integer AS copies FROM "${schema.name}".shipments GROUP BY order_id, n HAVING count(*) <> 1`,
    );
    expect(rows).toEqual([]);
    expect(await shipments()).toBe(EVENTS);
  });
});
