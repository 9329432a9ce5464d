import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { Transport } from '../../lib/index.js';
import kafka from '../conformance/targets/kafka.js';
import { eventually } from '../support/poll.js';
import { bootOutboxApp, type OutboxApp } from './support/outbox-app.js';
import { Probe } from './support/probe.js';
import { PublishCounter } from './support/publish-counter.js';
import { testSchema, type TestSchema } from './support/schema.js';
import { writeEvents } from './support/write-events.js';

const EVENTS = 10_000;
const KEYS = 100;

/** Three relays on one outbox, over Kafka: each event published once, every key in order. */
describe('three relay replicas (Kafka)', () => {
  let schema: TestSchema;
  let writer: OutboxApp;
  const relays: { app: OutboxApp; counter: PublishCounter }[] = [];
  const transports: Transport[] = [];
  let probe: Probe;
  const topic = `outbox.replicas.${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    schema = await testSchema('replicas');
    const consumer = kafka.create();
    transports.push(consumer);
    probe = await Probe.on(consumer, topic, `outbox-probe-${topic}`, { fromBeginning: true }, 10);
    // The writer app runs no relay; the three relay apps write nothing.
    writer = await bootOutboxApp({ schema: schema.name, url: schema.url, relay: false, transports: { kafka: track(kafka.create()) } });
  });
  afterAll(async () => {
    for (const relay of relays) await relay.app.close();
    await writer?.close();
    await Promise.allSettled(transports.map((t) => t.close()));
    await schema.drop();
  });

  function track(transport: Transport): Transport {
    transports.push(transport);
    return transport;
  }

  it(`${EVENTS} events over ${KEYS} keys: per-key order intact, no event published twice`, async () => {
    for (let i = 0; i < 3; i++) {
      const counter = new PublishCounter();
      relays.push({ counter, app: await bootOutboxApp({ schema: schema.name, url: schema.url, interceptors: [counter], transports: { kafka: track(kafka.create()) } }) });
    }
    // The relays run while the events are written: they compete for the same keys all along.
    const started = Date.now();
    await writeEvents(schema.pool, writer.writeTo(topic), EVENTS, KEYS, 100);
    await eventually('every event consumed', () => probe.ids().size >= EVENTS, 120_000);
    const counts = new Map<string, number>();
    for (const { counter } of relays) for (const [id, n] of counter.counts) counts.set(id, (counts.get(id) ?? 0) + n);
    expect(counts.size).toBe(EVENTS);
    expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
    // Every relay took part: the claims spread over the replicas.
    for (const { counter } of relays) expect(counter.total).toBeGreaterThan(0);
    expect(probe.orderViolations()).toEqual([]);
    await eventually('all marked sent', async () => (await schema.counts()).sent === EVENTS, 10_000);
    console.log(`three relays: ${EVENTS} events in ${Date.now() - started} ms; per relay ${relays.map((r) => r.counter.total).join(' / ')}`);
  });
});
