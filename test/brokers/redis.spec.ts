import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import type { Delivery } from '../../lib/core/message.js';
import { RedisContext, RedisIdempotencyStore, RedisTransport, type RedisTransportOptions, type RedisWireFormat } from '../../lib/transports/redis/index.js';
import type { DeliveryHandler, Subscription } from '../../lib/core/transport.js';
import type { RedisClientLike } from '../../lib/transports/redis/redis.connection.js';
import { groupBacklog, streamKey } from '../../lib/transports/redis/redis.topology.js';
import { endpoints, UNREACHABLE_PORT } from './endpoints.js';
import { FreezableProxy, PrivateRedisServer } from './redis-private-server.js';
import { eventually, sleep } from '../support/poll.js';

const here = dirname(fileURLToPath(import.meta.url));
const uid = () => randomUUID().slice(0, 8);
const text = (delivery: Delivery) => delivery.message.body.toString();

/** Publishes, retrying while Redis comes back (publish rejects while it is unreachable). */
async function publishEventually(transport: RedisTransport, topic: string, body: string): Promise<void> {
  await eventually(`publish of ${body}`, () => transport.publish({ topic, body: Buffer.from(body), headers: {} }).then(() => true, () => false));
}

const open: { close(): Promise<unknown> }[] = [];
function track<T extends { close(): Promise<unknown> }>(resource: T): T {
  open.push(resource);
  return resource;
}

function transport(options: RedisTransportOptions = {}): RedisTransport {
  return track(new RedisTransport({ url: endpoints.redisUrl(), blockMs: 300, ...options }));
}

function subscribe(on: RedisTransport, topic: string, handler: DeliveryHandler, extra: { group?: string; concurrency?: number; options?: Record<string, unknown> } = {}): Promise<Subscription> {
  return on.subscribe({ topic, group: extra.group ?? 'g', concurrency: extra.concurrency ?? 4, options: extra.options ?? {}, handler });
}

let admin: Redis;
beforeAll(() => {
  admin = new Redis(endpoints.redisUrl());
});
afterAll(async () => {
  await admin.quit();
});
afterEach(async () => {
  for (const resource of open.splice(0).reverse()) await resource.close().catch(() => undefined);
});

describe('RedisTransport streams', () => {
  it('round-trips body bytes, headers and key, and acks so nothing stays pending', async () => {
    const stream = `redis.${uid()}.roundtrip`;
    const redis = transport();
    const received: Delivery[] = [];
    await subscribe(redis, stream, async (delivery) => {
      received.push(delivery);
      await delivery.ack();
    });
    const body = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80]);
    await redis.publish({ topic: stream, body, headers: { 'content-type': 'application/octet-stream', correlation_id: 'c-1' }, key: 'k1' });

    const [delivery] = await eventually('the delivery', () => received.length === 1 && received);
    expect(delivery!.message.body.equals(body)).toBe(true);
    expect(delivery!.message.headers).toEqual({ 'content-type': 'application/octet-stream', correlation_id: 'c-1' });
    expect(delivery!.message.key).toBe('k1');
    expect(delivery!.message.deliveryAttempt).toBe(1);
    expect(delivery!.message.redelivered).toBe(false);

    const ctx = redis.createContext({ delivery: delivery!, transport: 'redis', group: 'g', handler: 'T.m' });
    expect(ctx).toBeInstanceOf(RedisContext);
    const redisCtx = ctx as RedisContext;
    expect(redisCtx.stream).toBe(stream);
    expect(redisCtx.entryId).toMatch(/^\d+-\d+$/);
    expect(redisCtx.deliveryCount).toBe(1);
    expect(redisCtx.entry?.fields['key']?.toString()).toBe('k1');

    await eventually('the ack', async () => (await admin.xpending(stream, 'g'))[0] === 0);
  }, 20_000);

  it('redelivers a nacked entry with a higher delivery attempt, and never a rejected one', async () => {
    const stream = `redis.${uid()}.nack`;
    const redis = transport();
    const seen: string[] = [];
    await subscribe(redis, stream, async (delivery) => {
      seen.push(`${text(delivery)}#${delivery.message.deliveryAttempt}`);
      if (text(delivery) === 'retry' && delivery.message.deliveryAttempt === 1) await delivery.nack({ delayMs: 100 });
      else if (text(delivery) === 'poison') await delivery.reject();
      else await delivery.ack();
    });
    await redis.publish({ topic: stream, body: Buffer.from('retry'), headers: {} });
    await redis.publish({ topic: stream, body: Buffer.from('poison'), headers: {} });

    await eventually('the redelivery', () => seen.includes('retry#2'));
    await sleep(500);
    expect(seen.sort()).toEqual(['poison#1', 'retry#1', 'retry#2']);
    expect((await admin.xpending(stream, 'g'))[0]).toBe(0);
  }, 20_000);

  it('never has more than `concurrency` deliveries unsettled, and delivers everything', async () => {
    const stream = `redis.${uid()}.concurrency`;
    const redis = transport();
    let inFlight = 0;
    let maxInFlight = 0;
    const done = new Set<string>();
    await subscribe(redis, stream, async (delivery) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await sleep(5);
      inFlight--;
      done.add(text(delivery));
      await delivery.ack();
    }, { concurrency: 3 });
    await Promise.all(Array.from({ length: 60 }, (_, i) => redis.publish({ topic: stream, body: Buffer.from(String(i)), headers: {} })));

    await eventually('all 60', () => done.size === 60);
    expect(maxInFlight).toBeLessThanOrEqual(3);
  }, 20_000);

  it('shares a group between members and gives every group every entry', async () => {
    const stream = `redis.${uid()}.groups`;
    const [a, b, c] = [transport(), transport(), transport()];
    const got = { a: [] as string[], b: [] as string[], other: [] as string[] };
    const collect = (into: string[]): DeliveryHandler => async (delivery) => {
      into.push(text(delivery));
      await delivery.ack();
    };
    await subscribe(a, stream, collect(got.a), { group: 'shared' });
    await subscribe(b, stream, collect(got.b), { group: 'shared' });
    await subscribe(c, stream, collect(got.other), { group: 'other' });
    for (let i = 0; i < 20; i++) await a.publish({ topic: stream, body: Buffer.from(String(i)), headers: {} });

    await eventually('both groups', () => got.a.length + got.b.length === 20 && got.other.length === 20);
    expect(new Set([...got.a, ...got.b]).size).toBe(20);
  }, 20_000);

  it('trims with MAXLEN ~ and pipelines many publishes of one tick', async () => {
    const stream = `redis.${uid()}.trim`;
    const redis = transport({ maxLen: 10 });
    await Promise.all(Array.from({ length: 500 }, (_, i) => redis.publish({ topic: stream, body: Buffer.from(String(i)), headers: {} })));
    const length = await admin.xlen(stream);
    expect(length).toBeLessThan(500);
    expect(length).toBeGreaterThanOrEqual(10);
    await admin.del(stream);
  }, 20_000);

  it('resumes its own pending entries first when a consumer with a stable name restarts', async () => {
    const stream = `redis.${uid()}.own-pending`;
    await admin.xgroup('CREATE', stream, 'g', '$', 'MKSTREAM');
    for (const body of ['p1', 'p2']) await admin.xadd(stream, '*', 'body', body);
    // The earlier run of "worker-1" read both and died before acking.
    await admin.xreadgroup('GROUP', 'g', 'worker-1', 'COUNT', 10, 'STREAMS', stream, '>');
    await admin.xadd(stream, '*', 'body', 'new');

    const redis = transport({ claimIdleMs: 60_000 });
    const seen: string[] = [];
    await subscribe(redis, stream, async (delivery) => {
      seen.push(`${text(delivery)}#${delivery.message.deliveryAttempt}`);
      await delivery.ack();
    }, { concurrency: 1, options: { consumerName: 'worker-1' } });

    await eventually('three entries', () => seen.length === 3);
    expect(seen).toEqual(['p1#2', 'p2#2', 'new#1']);
    await eventually('the acks', async () => (await admin.xpending(stream, 'g'))[0] === 0);
  }, 20_000);

  it('reclaims the pending entries of a killed consumer process, losing nothing', async () => {
    const stream = `redis.${uid()}.reclaim`;
    await admin.xgroup('CREATE', stream, 'g', '$', 'MKSTREAM');
    for (let i = 0; i < 10; i++) await admin.xadd(stream, '*', 'body', `m${i}`);

    const child = spawn(process.execPath, [join(here, 'redis-consumer-child.mjs'), endpoints.redisUrl(), stream, 'g', 'doomed', '4'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const output = await new Promise<string>((resolve, reject) => {
      let buffered = '';
      child.stdout!.on('data', (chunk: Buffer) => (buffered += chunk.toString()) && buffered.includes('\n') && resolve(buffered));
      child.once('exit', () => reject(new Error(`child exited before reading: ${buffered}`)));
    });
    expect(output.trim().split(' ')[1]!.split(',')).toHaveLength(4);
    child.kill('SIGKILL');
    await exited;
    const doomed = (await admin.xpending(stream, 'g', '-', '+', 10, 'doomed')) as unknown[];
    expect(doomed).toHaveLength(4);

    const redis = transport({ claimIdleMs: 500 });
    const seen = new Map<string, number>();
    await subscribe(redis, stream, async (delivery) => {
      seen.set(text(delivery), delivery.message.deliveryAttempt);
      await delivery.ack();
    }, { options: { startFrom: '0' } });

    await eventually('all ten entries', () => seen.size === 10);
    expect([...seen.keys()].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`).sort());
    expect([...seen.values()].filter((attempt) => attempt >= 2)).toHaveLength(4);
    await eventually('nothing pending', async () => (await admin.xpending(stream, 'g'))[0] === 0);
  }, 30_000);

  it('hands back, on close, the pending entries it had not started: a new consumer gets them at once', async () => {
    const stream = `redis.${uid()}.handback`;
    await admin.xgroup('CREATE', stream, 'g', '$', 'MKSTREAM');
    for (const body of ['p1', 'p2', 'p3']) await admin.xadd(stream, '*', 'body', body);
    await admin.xreadgroup('GROUP', 'g', 'worker-1', 'COUNT', 10, 'STREAMS', stream, '>'); // an earlier run of worker-1

    // worker-1 restarts with one slot: it takes p1 back and holds p2 and p3 (due, not started) when it closes.
    const first = transport({ claimIdleMs: 60_000 });
    const firstSeen: string[] = [];
    const subscription = await subscribe(first, stream, async (delivery) => {
      firstSeen.push(text(delivery));
      await sleep(300);
      await delivery.ack();
    }, { concurrency: 1, options: { consumerName: 'worker-1' } });
    await eventually('p1 started', () => firstSeen.length === 1);
    await subscription.close();
    expect(firstSeen).toEqual(['p1']);

    // Another consumer (a new name, a claim time far off) reclaims them at start, not after claimIdleMs.
    const second = transport({ claimIdleMs: 60_000 });
    const secondSeen: string[] = [];
    const restartedAt = Date.now();
    await subscribe(second, stream, async (delivery) => {
      secondSeen.push(`${text(delivery)}#${delivery.message.deliveryAttempt}`);
      await delivery.ack();
    });
    await eventually('p2 and p3 on the new consumer', () => secondSeen.length === 2, 5000);
    expect(Date.now() - restartedAt).toBeLessThan(1000);
    expect(secondSeen.sort()).toEqual(['p2#2', 'p3#2']);
    await eventually('nothing pending', async () => (await admin.xpending(stream, 'g'))[0] === 0);
  }, 20_000);

  it('hands back a nacked entry on close so that the group redelivers it once its delay is over', async () => {
    const stream = `redis.${uid()}.handback-delay`;
    const claim = { claimIdleMs: 2000, claimIntervalMs: 200 };
    const first = transport(claim);
    let nackedAt = 0;
    const subscription = await subscribe(first, stream, async (delivery) => {
      nackedAt = Date.now();
      await delivery.nack({ delayMs: 400 });
    });
    await first.publish({ topic: stream, body: Buffer.from('later'), headers: {} });
    await eventually('the nack', () => nackedAt > 0);
    await subscription.close();

    const second = transport(claim);
    const seen: { attempt: number; at: number }[] = [];
    await subscribe(second, stream, async (delivery) => {
      seen.push({ attempt: delivery.message.deliveryAttempt, at: Date.now() });
      await delivery.ack();
    });
    await eventually('the redelivery', () => seen.length === 1, 5000);
    // Not before its delay, and long before claimIdleMs (2 s) would have let the group reclaim it.
    expect(seen[0]!.at - nackedAt).toBeGreaterThanOrEqual(350);
    expect(seen[0]!.at - nackedAt).toBeLessThan(1500);
    expect(seen[0]!.attempt).toBe(2);
  }, 20_000);

  it("reports a group's unsettled entries as Redis holds them: pending plus not yet delivered", async () => {
    const stream = `redis.${uid()}.backlog`;
    const client = transport();
    await client.connect();
    const backlog = () => groupBacklog(client.unwrap<RedisClientLike>(), streamKey(stream), 'g');
    expect(await backlog()).toBe(0); // no stream, no group: nothing held
    await admin.xgroup('CREATE', stream, 'g', '$', 'MKSTREAM');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await admin.xadd(stream, '*', 'body', `b${i}`))!);
    expect(await backlog()).toBe(5);
    await admin.xreadgroup('GROUP', 'g', 'c', 'COUNT', 2, 'STREAMS', stream, '>');
    expect(await backlog()).toBe(5); // 2 pending + 3 not delivered
    await admin.xack(stream, 'g', ids[0]!);
    expect(await backlog()).toBe(4);
    await admin.xdel(stream, ids[3]!); // a deletion after the group's position: Redis cannot tell the lag
    expect(await backlog()).toBe(3);
  }, 20_000);

  it('checks subscriber options by mode: unknown keys, bad values and the other mode\'s options are refused', () => {
    const streams = transport();
    const pubsub = transport({ mode: 'pubsub' });
    expect(streams.checkSubscriberOptions({ consumerName: 'pod-1', startFrom: '0', claimIdleMs: 5000 })).toEqual([]);
    expect(pubsub.checkSubscriberOptions({ pattern: true })).toEqual([]);
    expect(streams.checkSubscriberOptions({ consumerNmae: 'pod-1' })).toEqual([expect.stringContaining("unknown option 'consumerNmae'")]);
    expect(streams.checkSubscriberOptions({ startFrom: 'latest', claimIdleMs: -1 })).toHaveLength(2);
    expect(streams.checkSubscriberOptions({ pattern: true })).toEqual([expect.stringContaining('pubsub-mode option')]);
    expect(pubsub.checkSubscriberOptions({ consumerName: 'pod-1' })).toEqual([expect.stringContaining('streams-mode option')]);
  });

  it('rejects publish and connect when Redis is unreachable, without hanging', async () => {
    const redis = track(new RedisTransport({ url: `redis://127.0.0.1:${UNREACHABLE_PORT}`, redis: { connectTimeout: 1000 } }));
    await expect(redis.publish({ topic: 'nowhere', body: Buffer.from('x'), headers: {} })).rejects.toThrow(/Could not connect to Redis/);
    await expect(redis.connect()).rejects.toThrow();
    expect(redis.health().status).toBe('down');
  }, 15_000);
});

describe('RedisTransport streams across a Redis restart', () => {
  let server: PrivateRedisServer;
  beforeAll(async () => {
    server = await PrivateRedisServer.start();
  }, 20_000);
  afterAll(async () => {
    await server.stop();
  });

  it('resumes consuming after a restart mid-flow, losing nothing; publish rejects while it is down', async () => {
    const stream = `redis.${uid()}.restart`;
    const redis = transport({ url: server.url, blockMs: 500, blockGuardMs: 1000, claimIdleMs: 60_000 });
    const seen = new Set<string>();
    await subscribe(redis, stream, async (delivery) => {
      await sleep(20);
      seen.add(text(delivery));
      await delivery.ack().catch(() => undefined); // an ack lost in the outage means a redelivery
    }, { concurrency: 2 });
    for (let i = 0; i < 30; i++) await redis.publish({ topic: stream, body: Buffer.from(`before${i}`), headers: {} });
    await eventually('the flow to start', () => seen.size >= 3);

    await server.pause();
    await expect(redis.publish({ topic: stream, body: Buffer.from('lost'), headers: {} })).rejects.toThrow();
    await eventually('health to notice', () => redis.health().status !== 'up');
    await server.resume();

    for (let i = 0; i < 5; i++) await publishEventually(redis, stream, `after${i}`);
    await eventually('every entry', () => seen.size === 35, 30_000);
    await eventually('health up again', () => redis.health().status === 'up');
    await eventually('nothing pending', async () => (await redis.unwrap<Redis>().xpending(stream, 'g'))[0] === 0);
  }, 60_000);

  it('recovers when its connections go silent without closing (blocked read guard, socket timeout)', async () => {
    const stream = `redis.${uid()}.zombie`;
    const proxy = track(await FreezableProxy.start(server.port));
    const direct = transport({ url: server.url });
    const redis = transport({ url: proxy.url, blockMs: 300, blockGuardMs: 700, redis: { socketTimeout: 1000 } });
    const seen = new Set<string>();
    await subscribe(redis, stream, async (delivery) => {
      seen.add(text(delivery));
      await delivery.ack();
    });
    await direct.publish({ topic: stream, body: Buffer.from('before'), headers: {} });
    await eventually('the first entry', () => seen.has('before'));

    proxy.freeze();
    await direct.publish({ topic: stream, body: Buffer.from('after'), headers: {} });
    await eventually('an entry read over a fresh connection', () => seen.has('after'), 20_000);
    await eventually('its ack', async () => (await direct.unwrap<Redis>().xpending(stream, 'g'))[0] === 0, 20_000);
  }, 40_000);

  it('pub/sub subscriptions come back after the server restarts', async () => {
    const channel = `redis.${uid()}.resubscribe`;
    const redis = transport({ url: server.url, mode: 'pubsub' });
    const seen: string[] = [];
    await subscribe(redis, channel, async (delivery) => void seen.push(text(delivery)));
    await redis.publish({ topic: channel, body: Buffer.from('one'), headers: {} });
    await eventually('the first message', () => seen.includes('one'));

    await server.pause();
    await server.resume();
    // Pub/Sub is lossy: keep publishing until the resubscribed connection hears one.
    await eventually('a message after the restart', async () => {
      await redis.publish({ topic: channel, body: Buffer.from('two'), headers: {} }).catch(() => undefined);
      await sleep(100);
      return seen.includes('two');
    }, 20_000);
  }, 40_000);
});

describe('RedisTransport wire formats', () => {
  const message = { body: Buffer.from([0x00, 0xff, 0xfe]), headers: { 'content-type': 'application/octet-stream', correlation_id: 'c-9' }, key: 'k9' };

  const pairs: ['streams' | 'pubsub', RedisWireFormat, RedisWireFormat][] = [
    ['streams', 'legacy', 'binary'],
    ['streams', 'binary', 'legacy'],
    ['pubsub', 'legacy', 'binary'],
    ['pubsub', 'binary', 'legacy'],
  ];
  it.each(pairs)('%s: what a %s producer writes, a %s consumer reads (a rolling upgrade either way)', async (mode, written, reading) => {
    const topic = `redis.${uid()}.wire`;
    const consumer = transport({ mode, wireFormat: reading });
    const received: Delivery[] = [];
    await subscribe(consumer, topic, async (delivery) => void received.push(delivery));
    await transport({ mode, wireFormat: written }).publish({ topic, ...message });
    const [delivery] = await eventually('the delivery', () => received.length === 1 && received);
    expect(delivery!.message.body.equals(message.body)).toBe(true);
    expect(delivery!.message.headers).toEqual(message.headers);
    expect(delivery!.message.key).toBe('k9');
    if (mode === 'streams') expect(Object.keys((delivery!.message.raw as { fields: object }).fields).sort()).toEqual(written === 'binary' ? ['__data__', 'key'] : ['body', 'headers', 'key']);
  }, 20_000);
});

describe('RedisTransport pub/sub', () => {
  it('round-trips headers and binary bodies on channels and patterns', async () => {
    const prefix = `redis.${uid()}`;
    const redis = transport({ mode: 'pubsub' });
    const exact: Delivery[] = [];
    const matched: Delivery[] = [];
    await subscribe(redis, `${prefix}.orders`, async (delivery) => void exact.push(delivery));
    await subscribe(redis, `${prefix}.*`, async (delivery) => void matched.push(delivery));
    const binary = Buffer.from([0xff, 0x00, 0xc3]);
    await redis.publish({ topic: `${prefix}.orders`, body: Buffer.from('{"id":1}'), headers: { 'content-type': 'application/json' }, key: 'order-1' });
    await redis.publish({ topic: `${prefix}.refunds`, body: binary, headers: { a: 'b' } });

    await eventually('deliveries', () => exact.length === 1 && matched.length === 2);
    expect(text(exact[0]!)).toBe('{"id":1}');
    expect(exact[0]!.message.headers).toEqual({ 'content-type': 'application/json' });
    expect(exact[0]!.message.key).toBe('order-1'); // the key travels in the envelope
    const refund = matched.find((d) => d.message.topic === `${prefix}.refunds`)!;
    expect(refund.message.body.equals(binary)).toBe(true);
    expect(refund.message.headers).toEqual({ a: 'b' });
    expect(refund.message.key).toBeUndefined();
    const ctx = redis.createContext({ delivery: refund, transport: 'redis', group: 'g', handler: 'T.m' }) as RedisContext;
    expect(ctx.channel).toBe(`${prefix}.refunds`);
    expect(ctx.pattern).toBe(`${prefix}.*`);
    expect(redis.capabilities.lossy).toBe(true);
  }, 20_000);

  it('on close finishes every message it received, buffered ones included, then stops', async () => {
    const channel = `redis.${uid()}.close`;
    const redis = transport({ mode: 'pubsub' });
    const started: string[] = [];
    const finished: string[] = [];
    const subscription = await subscribe(redis, channel, async (delivery) => {
      started.push(text(delivery));
      await sleep(100);
      finished.push(text(delivery));
    }, { concurrency: 1 });
    for (let i = 0; i < 5; i++) await redis.publish({ topic: channel, body: Buffer.from(`m${i}`), headers: {} });
    await eventually('the first started', () => started.length === 1);
    await sleep(50); // the other four arrive and wait in the buffer
    await subscription.close();
    expect(finished).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    await redis.publish({ topic: channel, body: Buffer.from('after'), headers: {} });
    await sleep(300);
    expect(started).toHaveLength(5);
  }, 20_000);

  it('closing the transport cuts that short: what is still buffered is dropped, saying how many', async () => {
    const channel = `redis.${uid()}.cut-short`;
    const redis = new RedisTransport({ url: endpoints.redisUrl(), mode: 'pubsub' });
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const started: string[] = [];
    const finished: string[] = [];
    try {
      const subscription = await subscribe(redis, channel, async (delivery) => {
        started.push(text(delivery));
        await sleep(300);
        finished.push(text(delivery));
      }, { concurrency: 1 });
      for (let i = 0; i < 5; i++) await redis.publish({ topic: channel, body: Buffer.from(`m${i}`), headers: {} });
      await eventually('the first started', () => started.length === 1);
      await sleep(50);
      const closing = subscription.close(); // an app's shutdown, which would wait for all five
      await redis.close(); // its transports' close, once shutdownTimeoutMs is over
      await closing;
      expect(finished).toEqual(['m0']); // the started one finished
      expect(started).toEqual(['m0']);
      expect(warn.mock.calls.map(([line]) => String(line))).toContainEqual(expect.stringContaining(`Dropping 4 buffered messages of ${channel} on close`));
    } finally {
      warn.mockRestore();
      await redis.close();
    }
  }, 20_000);

  it('delivers a plain message from a non-nestream publisher as its body', async () => {
    const channel = `redis.${uid()}.plain`;
    const redis = transport({ mode: 'pubsub' });
    const seen: Delivery[] = [];
    await subscribe(redis, channel, async (delivery) => void seen.push(delivery));
    await admin.publish(channel, 'hello');
    await eventually('the message', () => seen.length === 1);
    expect(text(seen[0]!)).toBe('hello');
    expect(seen[0]!.message.headers).toEqual({});
  }, 20_000);
});

describe('RedisIdempotencyStore', () => {
  it('remembers a key for its TTL only, and add does not extend it', async () => {
    const store = track(new RedisIdempotencyStore({ url: endpoints.redisUrl(), keyPrefix: `test:${uid()}:` }));
    expect(await store.has('k')).toBe(false);
    await store.add('k', 400);
    expect(await store.has('k')).toBe(true);
    await store.add('k', 60_000);
    await eventually('the key to expire', async () => !(await store.has('k')), 5000);
  }, 15_000);

  it('works on a transport connection, with keys under its prefix', async () => {
    const prefix = `test:${uid()}:`;
    const store = transport().idempotencyStore(prefix);
    await store.add('order-1', 60_000);
    expect(await store.has('order-1')).toBe(true);
    expect(await admin.exists(`${prefix}order-1`)).toBe(1);
    expect(await admin.pttl(`${prefix}order-1`)).toBeGreaterThan(50_000);
    await admin.del(`${prefix}order-1`);
  }, 15_000);
});
