import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { Transport } from '../../lib/index.js';
import { eventually } from '../support/poll.js';
import { bootOutboxApp, type OutboxApp } from './support/outbox-app.js';
import { PrivatePostgres } from './support/private-postgres.js';
import { Probe } from './support/probe.js';
import { testSchema, type TestSchema } from './support/schema.js';
import { redisStreams } from './support/transports.js';
import { writeEvents } from './support/write-events.js';

/** The database goes away under a running relay and comes back: the relay carries on by itself. */
describe('PostgreSQL restarted mid-run', () => {
  let postgres: PrivatePostgres;
  let schema: TestSchema;
  let outbox: OutboxApp;
  let probe: Probe;
  const transports: Transport[] = [];
  const topic = `outbox.pgrestart.${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    postgres = await PrivatePostgres.create();
    schema = await testSchema('restart', postgres.url);
    const probeTransport = redisStreams();
    transports.push(probeTransport);
    probe = await Probe.on(probeTransport, topic, 'probe');
    outbox = await bootOutboxApp({ schema: schema.name, url: postgres.url, transports: { redis: redisStreams() }, relay: { pollIntervalMs: 200, statsIntervalMs: 200 } });
  });
  afterAll(async () => {
    await outbox?.close();
    await Promise.allSettled(transports.map((t) => t.close()));
    await schema?.drop();
    await postgres?.destroy();
  });

  it('relay fails while the database is down (health says so), then recovers and publishes everything', async () => {
    await writeEvents(schema.pool, outbox.writeTo(topic), 100, 10, 50);
    await eventually('the first events published', () => probe.ids().size === 100, 20_000);
    await eventually('LISTEN established', () => outbox.runtime.relay!.listening, 5_000);

    await postgres.stop();
    await eventually('the relay failing', () => outbox.runtime.relay!.state === 'failing', 10_000);
    await eventually('health down', () => outbox.admin.health().status === 'down', 5_000);
    expect(outbox.admin.health().lastError).toBeDefined();
    expect(outbox.runtime.relay!.listening).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    await postgres.start();
    // Written after the restart: picked up through the re-established LISTEN or the poll.
    // The test's own pool lost its connections too: wait until it connects again, then write.
    await eventually('the database answering', () => schema.pool.query('SELECT 1').then(() => true, () => false), 20_000);
    await writeEvents(schema.pool, outbox.writeTo(topic), 100, 10, 50, 100);
    await eventually('every event published', () => probe.ids().size === 200, 30_000);
    await eventually('the relay running again', () => outbox.runtime.relay!.state === 'running', 10_000);
    await eventually('LISTEN back', () => outbox.runtime.relay!.listening, 10_000);
    await eventually('health up', async () => (await outbox.admin.stats(), outbox.admin.health().status === 'up'), 10_000);
    expect(probe.orderViolations()).toEqual([]);
  });
});
