import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { MemoryTransport } from '../../lib/index.js';
import { eventually, sleep } from '../support/poll.js';
import { bootOutboxApp, type OutboxApp } from './support/outbox-app.js';
import { Probe } from './support/probe.js';
import { PublishCounter } from './support/publish-counter.js';
import { inTransaction, testSchema, type TestSchema } from './support/schema.js';

const TOPIC = 'outbox.test.order-placed';

/** Failures: a failing head holds only its key, is dead after its attempts (health and metrics say so), and one call re-drives it. */
describe('failing events, dead state and re-drive', () => {
  let schema: TestSchema;
  let outbox: OutboxApp;
  let probe: Probe;
  const counter = new PublishCounter();
  const registry = new Registry();
  const memory = new MemoryTransport();

  beforeAll(async () => {
    schema = await testSchema('dead');
    probe = await Probe.on(memory, TOPIC, 'probe');
    counter.failWhile = (message) => message.key === 'bad' && JSON.parse(message.body.toString()).n === 0;
    outbox = await bootOutboxApp({
      schema: schema.name,
      url: schema.url,
      transports: { memory },
      interceptors: [counter],
      nestream: { metrics: { registry } },
      relay: { maxAttempts: 4, backoff: { initialMs: 150, factor: 1, maxMs: 150, jitter: 0 }, retentionMs: 0, cleanupBatchSize: 2, statsIntervalMs: 100 },
    });
  });
  afterAll(async () => {
    await outbox.close();
    await schema.drop();
  });

  it('holds the failing key only, goes dead after maxAttempts, shows in health and metrics, and re-drives', async () => {
    await inTransaction(schema.pool, async (client) => {
      await outbox.orders.publish(client, { orderId: 'bad', n: 0 }, { key: 'bad' });
      await outbox.orders.publish(client, { orderId: 'bad', n: 1 }, { key: 'bad' });
      for (let n = 0; n < 5; n++) await outbox.orders.publish(client, { orderId: 'good', n }, { key: 'good' });
    });
    await eventually('the good key published', () => probe.received.filter((r) => r.key === 'good').length === 5, 10_000);
    // While its head is being retried, nothing after it in its key goes out.
    await sleep(200);
    expect(probe.received.filter((r) => r.key === 'bad')).toEqual([]);
    const [bad0] = (await schema.pool.query(`SELECT attempts, status, last_error FROM "${schema.name}".nestream_outbox WHERE key = 'bad' ORDER BY seq LIMIT 1`)).rows;
    expect(bad0.status).toBe('pending');
    expect(bad0.attempts).toBeGreaterThan(0);
    expect(bad0.last_error).toContain('refused by the test');

    await eventually('the head dead', async () => (await schema.counts()).dead === 1, 10_000);
    // Dead, it leaves its key's order: the next event of the key goes out.
    await eventually('the rest of the key published', () => probe.received.some((r) => r.key === 'bad' && r.payload.n === 1), 10_000);
    await outbox.admin.stats();
    expect(outbox.admin.health()).toMatchObject({ status: 'up', dead: 1, relay: 'running' });
    const [dead] = await outbox.admin.deadEvents();
    expect(dead).toMatchObject({ key: 'bad', topic: TOPIC, attempts: 4 });
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/^nestream_outbox_dead 1$/m);
    expect(metrics).toMatch(/^nestream_outbox_published_total\{transport="memory",topic="outbox\.test\.order-placed"\} 6$/m);
    expect(metrics).toMatch(/^nestream_outbox_publish_failures_total\{transport="memory",topic="outbox\.test\.order-placed",outcome="dead"\} 1$/m);
    expect(metrics).toMatch(/^nestream_outbox_publish_failures_total\{.*outcome="retry"\} 3$/m);

    counter.failWhile = undefined;
    expect(await outbox.admin.redrive()).toEqual([dead!.id]);
    await eventually('the re-driven event published', () => probe.received.some((r) => r.id === dead!.id), 10_000);
    await eventually('nothing dead', async () => (await outbox.admin.stats())!.dead === 0, 5_000);
    expect(outbox.admin.health().dead).toBe(0);

    // Retention 0: cleanup deletes every sent row, two per DELETE.
    await eventually('all sent', async () => (await schema.counts()).sent === 7, 5_000);
    expect(await outbox.runtime.cleanUp()).toBe(7);
    expect(await schema.counts()).toEqual({ pending: 0, sent: 0, dead: 0 });
  });
});
