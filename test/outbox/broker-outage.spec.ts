import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { Transport } from '../../lib/index.js';
import { RedisTransport } from '../../lib/transports/redis/index.js';
import { PrivateRedisServer } from '../brokers/redis-private-server.js';
import type { PrivateServer } from '../brokers/server-process.js';
import { eventually, sleep } from '../support/poll.js';
import { bootOutboxApp, type OutboxApp } from './support/outbox-app.js';
import { Probe } from './support/probe.js';
import { testSchema, type TestSchema } from './support/schema.js';
import { writeEvents } from './support/write-events.js';

/** The broker is down for 10 s while the app keeps committing: events wait in the outbox, then drain in per-key order. */
describe('broker down for 10 s (private Redis, Streams)', () => {
  let redis: PrivateServer;
  let schema: TestSchema;
  let outbox: OutboxApp;
  let probe: Probe;
  const transports: Transport[] = [];
  const topic = `outbox.outage.${randomBytes(4).toString('hex')}`;
  const streams = () => {
    const transport = new RedisTransport({ url: redis.url, mode: 'streams', blockMs: 500, claimIdleMs: 2000 });
    transports.push(transport);
    return transport;
  };

  beforeAll(async () => {
    redis = await PrivateRedisServer.start();
    schema = await testSchema('outage');
    probe = await Probe.on(streams(), topic, 'probe');
    outbox = await bootOutboxApp({
      schema: schema.name,
      url: schema.url,
      transports: { redis: streams() },
      relay: { publishTimeoutMs: 1_000, backoff: { initialMs: 100, maxMs: 1_000 }, statsIntervalMs: 200 },
    });
  });
  afterAll(async () => {
    await outbox?.close();
    await Promise.allSettled(transports.map((t) => t.close()));
    await schema?.drop();
    await redis?.stop();
  });

  it('rows accumulate while the broker is down and drain after it is back, each key in order, none dead', async () => {
    await writeEvents(schema.pool, outbox.writeTo(topic), 100, 20, 50);
    await eventually('the first events published', () => probe.ids().size === 100, 20_000);

    await redis.pause();
    const downAt = Date.now();
    // Keep committing through the outage: 20 writes of 20 events, one every ~half second.
    for (let i = 0; i < 20; i++) {
      await writeEvents(schema.pool, outbox.writeTo(topic), 20, 20, 20, 100 + i * 20);
      await sleep(450);
    }
    await sleep(Math.max(0, 10_000 - (Date.now() - downAt)));
    const during = await outbox.admin.stats();
    expect(during!.pending).toBeGreaterThanOrEqual(390);
    expect(during!.oldestPendingSeconds).toBeGreaterThan(5);
    expect(during!.dead).toBe(0);

    await redis.resume();
    await eventually('everything drained to the consumer', () => probe.ids().size === 500, 60_000);
    await eventually('the outbox empty of pending', async () => (await schema.counts()).pending === 0, 20_000);
    expect(probe.orderViolations()).toEqual([]);
    expect((await schema.counts()).dead).toBe(0);
  });
});
