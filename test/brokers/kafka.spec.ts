import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Delivery } from '../../lib/core/message.js';
import type { SubscribeRequest } from '../../lib/core/transport.js';
import { KafkaContext, KafkaTransport, type KafkaClientLibrary, type KafkaTransportOptions } from '../../lib/transports/kafka/index.js';
import { endpoints, UNREACHABLE_PORT } from './endpoints.js';
import { PrivateKafkaBroker } from './kafka-private-broker.js';

const opened: KafkaTransport[] = [];

/**
 * The cases that hold for any client run once per client library (issue 19: both pass the Kafka
 * broker tests); `library` is the one the running block is about. What only kafkajs has (its
 * round-robin assigner, its restartOnFailure) runs on kafkajs alone, at the end.
 */
const LIBRARIES: KafkaClientLibrary[] = ['kafkajs', 'platformatic'];
let library: KafkaClientLibrary = 'kafkajs';

/** Options spelled differently per library: fail fast on an address nothing listens on. */
const UNREACHABLE_CLIENT = {
  kafkajs: { connectionTimeout: 500, retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 200 } },
  platformatic: { connectTimeout: 500, retries: 1, retryDelay: 100 },
} as const;

/** A transport on `library`; `overrides` use option names both libraries share, or the library's own. */
function transport(overrides: Record<string, unknown> = {}): KafkaTransport {
  const created = new KafkaTransport({
    library,
    brokers: endpoints.kafkaBrokers(),
    clientId: 'nestream-kafka-spec',
    topics: { numPartitions: 3 },
    ...overrides,
  } as KafkaTransportOptions);
  opened.push(created);
  return created;
}

const unique = (name: string): string => `kspec.${randomUUID().slice(0, 8)}.${name}`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const text = (s: string): Buffer => Buffer.from(s, 'utf8');

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

function request(topic: string, group: string, handler: (d: Delivery) => Promise<void>, extra: Partial<SubscribeRequest> = {}): SubscribeRequest {
  return { topic, group, concurrency: 1, options: { fromBeginning: true }, handler, ...extra };
}

afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((t) => t.close()));
});

describe.each(LIBRARIES)('KafkaTransport on %s', (each) => {
  beforeAll(() => {
    library = each;
  });

  describe('against a real broker', () => {
    it('round-trips body, key, headers, partition and timestamp, and exposes them on KafkaContext', async () => {
      const kafka = transport();
      const topic = unique('roundtrip');
      const received: Delivery[] = [];
      await kafka.subscribe(request(topic, unique('g'), async (d) => {
        received.push(d);
        await d.ack();
      }));
      await kafka.publish({
        topic,
        body: text('{"orderId":7}'),
        headers: { 'content-type': 'application/json', correlation_id: 'c-1' },
        key: 'order-7',
        options: { partition: 2, timestamp: new Date('2024-01-02T03:04:05Z') },
      });
      await kafka.publishBatch([1, 2].map((n) => ({ topic, body: text(`b${n}`), headers: {}, key: 'batch' })));
      await waitFor(() => received.length === 3, 20_000, 'three messages');

      const first = received.find((d) => d.message.key === 'order-7')!;
      expect(first.message.body.toString()).toBe('{"orderId":7}');
      expect(first.message.headers).toEqual({ 'content-type': 'application/json', correlation_id: 'c-1' });
      expect(first.message.deliveryAttempt).toBe(1);
      expect(first.message.redelivered).toBe(false);
      const ctx = kafka.createContext({ delivery: first, transport: 'kafka', group: 'g', handler: 'Spec.handle' });
      expect(ctx).toBeInstanceOf(KafkaContext);
      expect(ctx.topic).toBe(topic);
      expect(ctx.key).toBe('order-7');
      expect(ctx.partition).toBe(2);
      expect(ctx.offset).toBe('0');
      expect(ctx.timestamp.toISOString()).toBe('2024-01-02T03:04:05.000Z');
      expect(ctx.kafkaMessage.value?.toString()).toBe('{"orderId":7}');
      await expect(ctx.heartbeat()).resolves.toBeUndefined();

      const batch = received.filter((d) => d.message.key === 'batch').map((d) => d.message.body.toString());
      expect(batch).toEqual(['b1', 'b2']); // same key, same partition, publish order
      expect(kafka.health()).toMatchObject({ status: 'up', subscriptions: 1 });
    }, 40_000);
  });

  describe('offsets', () => {
    it('commits only settled messages: an unsettled one is delivered again to the next member of the group', async () => {
      const topic = unique('commit');
      const group = unique('g');
      const first = transport();
      const seen: string[] = [];
      let releaseHeld!: () => void;
      const held = new Promise<void>((resolve) => (releaseHeld = resolve));
      await first.subscribe(request(topic, group, async (d) => {
        const body = d.message.body.toString();
        seen.push(body);
        if (body === 'm1') return d.ack();
        await held; // still working when the app shuts down
        await d.nack();
      }));
      await first.publish({ topic, body: text('m1'), headers: {}, key: 'k', options: { partition: 0 } });
      await first.publish({ topic, body: text('m2'), headers: {}, key: 'k', options: { partition: 0 } });
      await waitFor(() => seen.includes('m2'), 20_000, 'm2 in the first member');
      const closed = first.close();
      releaseHeld();
      await closed;

      const second = transport();
      const redelivered: string[] = [];
      await second.subscribe(request(topic, group, async (d) => {
        redelivered.push(d.message.body.toString());
        await d.ack();
      }));
      await waitFor(() => redelivered.includes('m2'), 20_000, 'm2 in the second member');
      await sleep(1000);
      expect(redelivered).toEqual(['m2']); // m1 was acked and committed; m2 never was
    }, 60_000);

    it('with per-key concurrency commits in offset order, never past an unsettled message', async () => {
      const topic = unique('inorder');
      const group = unique('g');
      const ids = Array.from({ length: 10 }, (_, i) => `m${i}`);
      const first = transport();
      await first.publishBatch(ids.map((id) => ({ topic, body: text(id), headers: {}, key: id, options: { partition: 0 } })));
      // Each handler stays in flight until the test settles its delivery (a handler that returns
      // with its delivery unsettled has it nacked at once).
      const started = new Map<string, { delivery: Delivery; handlerDone: () => void }>();
      await first.subscribe(request(topic, group, (delivery) => new Promise<void>((handlerDone) => {
        started.set(delivery.message.body.toString(), { delivery, handlerDone });
      }), { concurrency: 10, options: { fromBeginning: true, perKeyConcurrency: true } }));
      const settle = async (id: string, how: 'ack' | 'nack'): Promise<void> => {
        const { delivery, handlerDone } = started.get(id)!;
        await delivery[how]();
        handlerDone();
      };
      await waitFor(() => started.size === 10, 20_000, 'ten concurrent deliveries');
      // Settle out of order, leaving m3 unsettled: only m0..m2 may be committed.
      for (const id of [...ids].reverse()) if (id !== 'm3') await settle(id, 'ack');
      await sleep(500);
      const closed = first.close();
      await settle('m3', 'nack');
      await closed;

      const second = transport();
      const again: string[] = [];
      await second.subscribe(request(topic, group, async (d) => {
        again.push(d.message.body.toString());
        await d.ack();
      }));
      await waitFor(() => again.length >= 7, 20_000, 'redelivery from m3 on');
      await sleep(500);
      expect(again).toEqual(ids.slice(3)); // nothing lost, nothing before the gap repeated
    }, 60_000);

    it('redelivers a nacked message in place, after the delay, before later messages of its partition', async () => {
      const kafka = transport();
      const topic = unique('nack');
      const order: string[] = [];
      await kafka.subscribe(request(topic, unique('g'), async (d) => {
        order.push(`${d.message.body.toString()}#${d.message.deliveryAttempt}`);
        if (d.message.body.toString() === 'a' && d.message.deliveryAttempt < 3) return d.nack({ delayMs: 100 });
        await d.ack();
      }));
      await kafka.publishBatch(['a', 'b'].map((id) => ({ topic, body: text(id), headers: {}, options: { partition: 1 } })));
      await waitFor(() => order.length === 4, 20_000, 'four deliveries');
      expect(order).toEqual(['a#1', 'a#2', 'a#3', 'b#1']);
    }, 40_000);
  });

  describe('failures', () => {
    it('rejects publish and subscribe with an error naming the address when no broker listens', async () => {
      const kafka = transport({
        brokers: [`127.0.0.1:${UNREACHABLE_PORT}`],
        client: UNREACHABLE_CLIENT[library],
      });
      await expect(kafka.publish({ topic: unique('nowhere'), body: text('x'), headers: {} })).rejects.toThrow(`127.0.0.1:${UNREACHABLE_PORT}`);
      await expect(kafka.subscribe(request(unique('nowhere'), 'g', async () => undefined))).rejects.toThrow(`127.0.0.1:${UNREACHABLE_PORT}`);
      expect(kafka.health().status).toBe('down');
      expect(kafka.health().lastError).toBeDefined();
    }, 30_000);
  });

  describe('group membership', () => {
    it('loses nothing when a second member joins the group mid-flow', async () => {
      const topic = unique('join');
      const group = unique('g');
      const perRound = 15;
      const handledBy = { a: new Set<string>(), b: new Set<string>() };
      const member = (name: 'a' | 'b') =>
        request(topic, group, async (d) => {
          await sleep(5);
          handledBy[name].add(d.message.body.toString());
          await d.ack();
        }, { concurrency: 4 });
      const a = transport();
      await a.subscribe(member('a'));
      const b = transport();
      let joined = false;
      let published = 0;
      let roundsAfterJoin = 0;
      // Publish steadily before, during and after the rebalance the newcomer causes.
      for (let round = 0; round < 200 && roundsAfterJoin < 10; round++) {
        const ids = Array.from({ length: perRound }, (_, i) => `m${published + i}`);
        await a.publishBatch(ids.map((id, i) => ({ topic, body: text(id), headers: {}, key: `k${i}` })));
        published += perRound;
        if (round === 5) void b.subscribe(member('b')).then(() => (joined = true));
        if (joined) roundsAfterJoin++;
        await sleep(100);
      }
      expect(joined).toBe(true);
      const handled = (): number => new Set([...handledBy.a, ...handledBy.b]).size;
      await waitFor(() => handled() === published, 60_000, `all ${published} messages`);
      expect(handledBy.b.size).toBeGreaterThan(0); // the newcomer really took partitions over
    }, 90_000);

    it('keeps a handler that runs longer than the session timeout in the group (no eviction, no redelivery)', async () => {
      const kafka = transport({ consumer: { sessionTimeout: 10_000, heartbeatInterval: 1000 } });
      const topic = unique('long');
      const deliveries: string[] = [];
      await kafka.subscribe(request(topic, unique('g'), async (d) => {
        const body = d.message.body.toString();
        deliveries.push(`${body}#${d.message.deliveryAttempt}`);
        if (body === 'slow') {
          const ctx = kafka.createContext({ delivery: d, transport: 'kafka', group: 'g', handler: 'Spec.slow' });
          for (let waited = 0; waited < 15_000; waited += 3000) {
            await sleep(3000);
            await ctx.touch();
          }
        }
        await d.ack();
      }));
      await kafka.publish({ topic, body: text('slow'), headers: {}, options: { partition: 0 } });
      await kafka.publish({ topic, body: text('next'), headers: {}, options: { partition: 0 } });
      await waitFor(() => deliveries.includes('next#1'), 40_000, 'the message after the slow one');
      await sleep(2000);
      expect(deliveries).toEqual(['slow#1', 'next#1']);
      expect(kafka.health().status).toBe('up');
    }, 60_000);
  });

  describe('across a broker restart', () => {
    it('reconnects and resumes, losing no message whose publish resolved', async () => {
      const broker = new PrivateKafkaBroker();
      try {
        await broker.start();
        const kafka = transport({
          brokers: [broker.address],
          topics: { numPartitions: 3, replicationFactor: 1 },
          consumer: { heartbeatInterval: 1000 },
          restartDelayMs: 500,
        });
        const topic = unique('restart');
        const handled = new Set<string>();
        await kafka.subscribe(request(topic, unique('g'), async (d) => {
          handled.add(d.message.body.toString());
          await d.ack();
        }, { concurrency: 4 }));
        const accepted: string[] = [];
        const publish = async (id: string): Promise<void> => {
          try {
            await kafka.publish({ topic, body: text(id), headers: {}, key: id });
            accepted.push(id);
          } catch {
            // Rejected while the broker was away: the caller knows, nothing was promised.
          }
        };
        await Promise.all(Array.from({ length: 50 }, (_, i) => publish(`before-${i}`)));
        await waitFor(() => handled.size === 50, 30_000, 'the first 50');

        await broker.stop();
        const during = Promise.all(Array.from({ length: 20 }, (_, i) => publish(`during-${i}`)));
        await sleep(3000);
        await broker.start();
        await during;
        await Promise.all(Array.from({ length: 50 }, (_, i) => publish(`after-${i}`)));

        expect(accepted.filter((id) => id.startsWith('after-'))).toHaveLength(50);
        await waitFor(() => accepted.every((id) => handled.has(id)), 90_000, 'every accepted message after the restart');
      } finally {
        await Promise.allSettled(opened.splice(0).map((t) => t.close()));
        await broker.destroy();
      }
    }, 240_000);
  });

  describe('subscriptions of one group', () => {
    it('shares one consumer between topics of a group, keeps the others running when one closes, and matches patterns', async () => {
      const kafka = transport();
      const prefix = unique('multi');
      const group = unique('g');
      const got: string[] = [];
      const record = (label: string) => async (d: Delivery) => {
        got.push(`${label}:${d.message.body.toString()}`);
        await d.ack();
      };
      // Pattern subscriptions see the topics that exist when the group's consumer starts.
      await kafka.publish({ topic: `${prefix}.audit.a`, body: text('p1'), headers: {} });
      await kafka.publish({ topic: `${prefix}.audit.b`, body: text('p2'), headers: {} });
      const [orders, payments] = await Promise.all([
        kafka.subscribe(request(`${prefix}.orders`, group, record('orders'))),
        kafka.subscribe(request(`${prefix}.payments`, group, record('payments'))),
        kafka.subscribe(request(`/^${prefix.replace(/\./g, '\\.')}\\.audit\\..+/`, group, record('audit'))),
      ]);
      await kafka.publish({ topic: `${prefix}.orders`, body: text('o1'), headers: {} });
      await kafka.publish({ topic: `${prefix}.payments`, body: text('y1'), headers: {} });
      await waitFor(() => got.length === 4, 20_000, 'four messages');
      expect([...got].sort()).toEqual(['audit:p1', 'audit:p2', 'orders:o1', 'payments:y1']);
      expect(kafka.unwrap()).toBeDefined();

      await orders!.close();
      await kafka.publish({ topic: `${prefix}.payments`, body: text('y2'), headers: {} });
      await waitFor(() => got.includes('payments:y2'), 20_000, 'payments after orders closed');
      expect(kafka.health()).toMatchObject({ status: 'up', subscriptions: 2 });
      await payments!.close();
    }, 60_000);
  });
});

describe('KafkaTransport on kafkajs only', () => {
  beforeAll(() => {
    library = 'kafkajs';
  });

  describe('partition assignment', () => {
    it('shares a group with a member that knows only kafkajs round-robin (a rolling upgrade): both get partitions, nothing is lost', async () => {
      const { PartitionAssigners } = await import('kafkajs');
      const topic = unique('assign');
      const group = unique('g');
      const handledBy = { old: new Set<string>(), current: new Set<string>() };
      const member = (name: 'old' | 'current') =>
        request(topic, group, async (d) => {
          handledBy[name].add(d.message.body.toString());
          await d.ack();
        }, { concurrency: 3 });
      await transport({ consumer: { partitionAssigners: [PartitionAssigners.roundRobin] } }).subscribe(member('old'));
      const current = transport();
      await current.subscribe(member('current'));
      await current.publishBatch(Array.from({ length: 30 }, (_, i) => ({ topic, body: text(`m${i}`), headers: {}, options: { partition: i % 3 } })));
      const handled = (): number => new Set([...handledBy.old, ...handledBy.current]).size;
      await waitFor(() => handled() === 30, 30_000, 'all 30 messages');
      expect(handledBy.old.size).toBeGreaterThan(0);
      expect(handledBy.current.size).toBeGreaterThan(0);
    }, 60_000);
  });

  describe('when kafkajs gives up on a consumer', () => {
    it('reports the transport down, restarts the consumer once the broker is back, and consumes again', async () => {
      const broker = new PrivateKafkaBroker(19192, 19193);
      try {
        await broker.start();
        const kafka = transport({
          brokers: [broker.address],
          topics: { numPartitions: 1, replicationFactor: 1 },
          // kafkajs must not restart the consumer itself: nestream's own restart is under test.
          consumer: { heartbeatInterval: 500, retry: { retries: 1, initialRetryTime: 100, restartOnFailure: async () => false } },
          client: { retry: { retries: 1, initialRetryTime: 100 }, connectionTimeout: 1_000 },
          restartDelayMs: 500,
        });
        const topic = unique('crash');
        const handled = new Set<string>();
        await kafka.subscribe(request(topic, unique('g'), async (d) => {
          handled.add(d.message.body.toString());
          await d.ack();
        }));
        await kafka.publish({ topic, body: text('before'), headers: {} });
        await waitFor(() => handled.has('before'), 30_000, 'the message before the crash');
        expect(kafka.health().status).toBe('up');

        await broker.stop();
        // Down at once (the broker does not answer), then the consumer's crash is the reason given.
        await waitFor(() => kafka.health().status === 'down' && /crashed|restart/.test(kafka.health().lastError ?? ''), 60_000, 'the crashed consumer reported down');

        await broker.start();
        await waitFor(() => kafka.health().status === 'up', 90_000, 'the consumer restarted');
        await kafka.publish({ topic, body: text('after'), headers: {} });
        await waitFor(() => handled.has('after'), 60_000, 'a message after the restart');
      } finally {
        await Promise.allSettled(opened.splice(0).map((t) => t.close()));
        await broker.destroy();
      }
    }, 240_000);
  });
});
