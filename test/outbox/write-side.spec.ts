import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { CorrelationScope, Headers, MemoryTransport, MessageValidationError, type Transport } from '../../lib/index.js';
import { pgTransaction } from '../../lib/outbox/index.js';
import kafka from '../conformance/targets/kafka.js';
import { eventually, sleep } from '../support/poll.js';
import { redisStreams } from './support/transports.js';
import { bootOutboxApp, type OutboxApp } from './support/outbox-app.js';
import { Probe } from './support/probe.js';
import { inTransaction, testSchema, type TestSchema } from './support/schema.js';

/** The write side on node-postgres: an event exists if and only if its transaction commits. */
describe('outbox write side (node-postgres PoolClient)', () => {
  let schema: TestSchema;
  let outbox: OutboxApp;
  const memory = new MemoryTransport();
  let probe: Probe;

  beforeAll(async () => {
    schema = await testSchema('write');
    probe = await Probe.on(memory, 'outbox.test.order-placed', 'probe');
    outbox = await bootOutboxApp({ schema: schema.name, url: schema.url, transports: { memory } });
    await schema.pool.query(`CREATE TABLE "${schema.name}".orders (id text PRIMARY KEY)`);
  });
  afterAll(async () => {
    await outbox.close();
    await schema.drop();
  });

  it('a rolled-back transaction leaves neither the order nor its event', async () => {
    await expect(
      inTransaction(schema.pool, async (client) => {
        await client.query(`INSERT INTO "${schema.name}".orders (id) VALUES ('o-rolled')`);
        await outbox.orders.publish(client, { orderId: 'o-rolled', n: 1 }, { key: 'o-rolled' });
        throw new Error('payment declined');
      }),
    ).rejects.toThrow('payment declined');
    outbox.runtime.relay!.wake();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await schema.counts()).toEqual({ pending: 0, sent: 0, dead: 0 });
    expect(probe.received.filter((m) => m.payload.orderId === 'o-rolled')).toHaveLength(0);
  });

  it('a committed transaction is published with the headers a direct publish would carry', async () => {
    const { id } = await CorrelationScope.run('corr-outbox-1', () =>
      inTransaction(schema.pool, async (client) => {
        await client.query(`INSERT INTO "${schema.name}".orders (id) VALUES ('o-1')`);
        return outbox.orders.publish(pgTransaction(client), { orderId: 'o-1', n: 1 }, { key: 'o-1' });
      }),
    );
    const message = await eventually('the committed event', () => probe.received.find((m) => m.id === id));
    expect(message.payload).toEqual({ orderId: 'o-1', n: 1 });
    expect(message.key).toBe('o-1');
    expect(message.headers).toMatchObject({
      [Headers.correlationId]: 'corr-outbox-1',
      [Headers.idempotencyKey]: id,
      [Headers.eventType]: 'outbox.test.order-placed',
      [Headers.eventVersion]: 'v1',
      [Headers.source]: 'outbox-test',
      [Headers.contentType]: 'application/json',
    });
    await eventually('the event marked sent', async () => (await schema.counts()).sent === 1);
  });

  it('an invalid payload is refused before anything is written', async () => {
    await expect(
      inTransaction(schema.pool, (client) => outbox.orders.publish(client, { orderId: 42 } as never)),
    ).rejects.toBeInstanceOf(MessageValidationError);
    expect((await schema.counts()).pending).toBe(0);
  });
});

/** The same guarantee end to end on real brokers: rollback → nothing published, commit → published. */
const brokers: [string, () => Transport, Record<string, unknown>][] = [
  ['Kafka', () => kafka.create(), { fromBeginning: true }],
  ['Redis Streams', () => redisStreams(), {}],
];
describe.each(brokers)('outbox on %s', (_name, create, subscribeOptions) => {
  let schema: TestSchema;
  let outbox: OutboxApp;
  let probe: Probe;
  const transports: Transport[] = [];
  const topic = `outbox.write.${randomBytes(4).toString('hex')}`;
  const track = (t: Transport) => (transports.push(t), t);

  beforeAll(async () => {
    schema = await testSchema('broker');
    probe = await Probe.on(track(create()), topic, `probe-${topic}`, subscribeOptions);
    outbox = await bootOutboxApp({ schema: schema.name, url: schema.url, transports: { broker: track(create()) } });
  });
  afterAll(async () => {
    await outbox.close();
    await Promise.allSettled(transports.map((t) => t.close()));
    await schema.drop();
  });

  it('rollback publishes nothing; commit publishes once', async () => {
    const write = outbox.writeTo(topic);
    await expect(
      inTransaction(schema.pool, async (client) => {
        await write(client, { orderId: 'rolled', n: 0 }, { key: 'o' });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    await inTransaction(schema.pool, (client) => write(client, { orderId: 'committed', n: 1 }, { key: 'o' }));
    await eventually('the committed event consumed', () => probe.received.some((r) => r.payload.orderId === 'committed'), 30_000);
    await sleep(300);
    expect(probe.received.map((r) => r.payload.orderId)).toEqual(['committed']);
  });
});
