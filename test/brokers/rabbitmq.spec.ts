import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Delivery } from '../../lib/core/message.js';
import { RabbitContext, RabbitTopologyError, RabbitTransport, RabbitUnroutableError, retryDelayBucket } from '../../lib/transports/rabbitmq/index.js';
import type { RabbitTransportOptions } from '../../lib/transports/rabbitmq/index.js';
import type { Subscription } from '../../lib/core/transport.js';
import conformance from '../conformance/targets/rabbitmq.js';
import { endpoints } from './endpoints.js';
import { BrokerAdmin, closeConnectionsFromBroker, eventually, Inbox, publishUntilConfirmed, sleep, uid } from './rabbitmq-helpers.js';

const transports: RabbitTransport[] = [];
const queues: string[] = [];
let admin: BrokerAdmin;

function rabbit(options: Partial<RabbitTransportOptions> = {}): RabbitTransport {
  const transport = new RabbitTransport({ url: endpoints.amqpUrl(), connectionName: `nestream-test-${uid()}`, ...options });
  transports.push(transport);
  return transport;
}

/** Subscribes with a handler that records every delivery and (unless `settle` says otherwise) acks it. */
async function consume(
  transport: RabbitTransport,
  topic: string,
  group: string,
  settle: (delivery: Delivery, inbox: Inbox) => Promise<void> = (delivery) => delivery.ack(),
  concurrency = 1,
  options: Record<string, unknown> = {},
): Promise<{ inbox: Inbox; subscription: Subscription }> {
  const inbox = new Inbox();
  queues.push((options.queue as string | undefined) ?? `${group}.${topic}`);
  const subscription = await transport.subscribe({
    topic,
    group,
    concurrency,
    options,
    handler: async (delivery) => {
      inbox.push(delivery);
      await settle(delivery, inbox);
    },
  });
  return { inbox, subscription };
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

beforeAll(async () => {
  admin = await BrokerAdmin.connect(endpoints.amqpUrl());
});

afterEach(async () => {
  await Promise.all(transports.splice(0).map((transport) => transport.close()));
  for (const queue of queues.splice(0)) await admin.deleteQueue(queue);
});

afterAll(async () => {
  await admin.close();
});

jest.setTimeout(60_000);

describe('RabbitTransport against a real RabbitMQ', () => {
  it('round-trips body, headers, key and AMQP properties, and gives a RabbitContext', async () => {
    const transport = rabbit();
    const topic = `rt.${uid()}.created`;
    const { inbox } = await consume(transport, topic, 'roundtrip');
    const headers = {
      'content-type': 'application/json',
      correlation_id: 'corr-1',
      message_id: 'msg-1',
      'x-source': 'users',
      'x-event-type': 'user.created',
      'x-occurred-at': '2024-05-01T10:00:00.000Z',
      'x-custom': 'yes',
    };
    await transport.publish({ topic, body: json({ id: 1 }), headers, key: 'user-1' });

    const [delivery] = await inbox.waitFor(1);
    const message = delivery!.message;
    expect(JSON.parse(message.body.toString())).toEqual({ id: 1 });
    expect(message.headers).toEqual(headers);
    expect(message).toMatchObject({ topic, key: 'user-1', deliveryAttempt: 1, redelivered: false });

    const ctx = transport.createContext({ delivery: delivery!, transport: 'rabbitmq', group: 'roundtrip', handler: 'Test.handle' });
    expect(ctx).toBeInstanceOf(RabbitContext);
    const rabbitCtx = ctx as RabbitContext;
    expect(rabbitCtx.exchange).toBe('nestream');
    expect(rabbitCtx.routingKey).toBe(topic);
    expect(typeof rabbitCtx.deliveryTag).toBe('number');
    expect(rabbitCtx.redelivered).toBe(false);
    expect(rabbitCtx.properties).toMatchObject({
      contentType: 'application/json',
      correlationId: 'corr-1',
      messageId: 'msg-1',
      appId: 'users',
      type: 'user.created',
      deliveryMode: 2,
      timestamp: Date.parse('2024-05-01T10:00:00.000Z') / 1000,
    });
    // Content type, correlation id and message id travel as properties only, not again in the header table.
    expect(rabbitCtx.properties.headers).toEqual({
      'x-source': 'users',
      'x-event-type': 'user.created',
      'x-occurred-at': '2024-05-01T10:00:00.000Z',
      'x-custom': 'yes',
      'x-nestream-key': 'user-1',
    });
    expect(rabbitCtx.rawMessage.content.equals(message.body)).toBe(true);
  });

  it('fills content-type, correlation_id and message_id from AMQP properties of a non-nestream producer', async () => {
    const transport = rabbit();
    const topic = `raw.${uid()}`;
    const { inbox } = await consume(transport, topic, 'raw');
    await admin.publishRaw('nestream', topic, Buffer.from('hi'), {
      contentType: 'text/plain',
      correlationId: 'c-9',
      messageId: 'm-9',
      headers: { count: 3, flag: true, bytes: Buffer.from('b') },
    });
    const [delivery] = await inbox.waitFor(1);
    expect(delivery!.message.headers).toEqual({
      'content-type': 'text/plain',
      correlation_id: 'c-9',
      message_id: 'm-9',
      count: '3',
      flag: 'true',
      bytes: 'b',
    });
  });

  it('gives every group each message and shares it among the members of one group', async () => {
    const transport = rabbit();
    const topic = `groups.${uid()}`;
    const a1 = await consume(transport, topic, 'group-a');
    const a2 = await consume(transport, topic, 'group-a');
    const b = await consume(transport, topic, 'group-b');
    for (let i = 0; i < 10; i++) await transport.publish({ topic, body: json(i), headers: {} });

    await b.inbox.waitFor(10);
    await eventually('group-a to get all 10', () => a1.inbox.deliveries.length + a2.inbox.deliveries.length === 10 || undefined);
    const groupA = [...a1.inbox.deliveries, ...a2.inbox.deliveries].map((d) => Number(d.message.body.toString()));
    expect(groupA.sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(a1.inbox.deliveries.length).toBeGreaterThan(0);
    expect(a2.inbox.deliveries.length).toBeGreaterThan(0);
  });

  it('keeps messages for a group while none of its members consumes (durable queue)', async () => {
    const topic = `durable.${uid()}`;
    const first = rabbit();
    const { subscription } = await consume(first, topic, 'keeper');
    await subscription.close();
    await first.publish({ topic, body: json('while away'), headers: {} });
    await first.close();

    const second = rabbit();
    const { inbox } = await consume(second, topic, 'keeper');
    const [delivery] = await inbox.waitFor(1);
    expect(JSON.parse(delivery!.message.body.toString())).toBe('while away');
  });

  it('never has more deliveries in flight than the subscription concurrency (prefetch)', async () => {
    const transport = rabbit();
    const topic = `prefetch.${uid()}`;
    let inFlight = 0;
    let maxInFlight = 0;
    const { inbox } = await consume(
      transport,
      topic,
      'prefetch',
      async (delivery) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(30);
        inFlight--;
        await delivery.ack();
      },
      3,
    );
    await Promise.all(Array.from({ length: 15 }, (_, i) => transport.publish({ topic, body: json(i), headers: {} })));
    await inbox.waitFor(15);
    expect(maxInFlight).toBeLessThanOrEqual(3);
    expect(maxInFlight).toBeGreaterThan(1);
  });

  it('redelivers after nack({ delayMs }) through a retry queue, with deliveryAttempt 2 and the original topic', async () => {
    const transport = rabbit();
    const topic = `retry.${uid()}`;
    const queue = `retry.${topic}`;
    queues.push(`${queue}.retry.300`);
    const nackedAt: number[] = [];
    let secondAt = 0;
    const { inbox } = await consume(transport, topic, 'retry', async (delivery) => {
      if (delivery.message.deliveryAttempt === 1) {
        nackedAt.push(Date.now());
        await delivery.nack({ delayMs: 300 });
      } else {
        secondAt = Date.now();
        await delivery.ack();
      }
    });
    await transport.publish({ topic, body: json('again'), headers: { correlation_id: 'c-r', 'x-custom': 'kept' }, key: 'k' });

    const [first, second] = await inbox.waitFor(2);
    expect(first!.message.deliveryAttempt).toBe(1);
    expect(second!.message).toMatchObject({ topic, key: 'k', deliveryAttempt: 2, headers: { correlation_id: 'c-r', 'x-custom': 'kept' } });
    expect(Object.keys(second!.message.headers).some((name) => name.startsWith('x-nestream-'))).toBe(false);
    const ctx = transport.createContext({ delivery: second!, transport: 'rabbitmq', group: 'retry', handler: 'T.h' }) as RabbitContext;
    expect(ctx.exchange).toBe('nestream');
    expect(ctx.routingKey).toBe(topic);
    // Came back through the TTL queue (default exchange), no sooner than the delay.
    expect((second!.message.raw as { fields: { exchange: string } }).fields.exchange).toBe('');
    expect(secondAt - nackedAt[0]!).toBeGreaterThanOrEqual(290);
    expect(await admin.queue(`${queue}.retry.300`)).toBeDefined();
    expect(await admin.queue(queue)).toMatchObject({ messageCount: 0 });
  });

  it('buckets retry delays to two significant digits', () => {
    expect([1, 87, 100, 1234, 1299, 30_000, 31_234, 999_999].map(retryDelayBucket)).toEqual([1, 87, 100, 1300, 1300, 30_000, 32_000, 1_000_000]);
  });

  it('requeues on nack() (redelivered, attempt 2) and drops on reject()', async () => {
    const transport = rabbit();
    const topic = `settle.${uid()}`;
    const { inbox } = await consume(transport, topic, 'settle', async (delivery) => {
      const body = JSON.parse(delivery.message.body.toString()) as string;
      if (body === 'nack-me' && delivery.message.deliveryAttempt === 1) await delivery.nack();
      else if (body === 'reject-me') await delivery.reject();
      else await delivery.ack();
    });
    await transport.publish({ topic, body: json('nack-me'), headers: {} });
    const [, again] = await inbox.waitFor(2);
    expect(again!.message).toMatchObject({ redelivered: true, deliveryAttempt: 2 });

    await transport.publish({ topic, body: json('reject-me'), headers: {} });
    await transport.publish({ topic, body: json('marker'), headers: {} });
    const all = await inbox.waitFor(4);
    expect(all.map((d) => JSON.parse(d.message.body.toString()))).toEqual(['nack-me', 'nack-me', 'reject-me', 'marker']);
    expect(await admin.queue(`settle.${topic}`)).toMatchObject({ messageCount: 0 });
  });

  it('declares exchanges, queues and bindings from options and consumes from a named quorum queue', async () => {
    const id = uid();
    const exchange = `orders.${id}`;
    const queue = `billing.${id}`;
    queues.push(queue);
    const transport = rabbit({
      exchanges: [{ name: exchange, type: 'direct', options: { durable: true } }],
      queues: [{ name: queue, type: 'quorum', bindings: [{ exchange, pattern: 'order.paid' }] }],
    });
    await transport.connect();
    expect(await admin.queue(queue)).toBeDefined();
    const { inbox } = await consume(transport, 'order.paid', 'billing', undefined, 1, { queue, exchange });
    await transport.publish({ topic: 'order.paid', body: json({ total: 5 }), headers: {}, options: { exchange } });
    const [delivery] = await inbox.waitFor(1);
    const ctx = transport.createContext({ delivery: delivery!, transport: 'rabbitmq', group: 'billing', handler: 'T.h' }) as RabbitContext;
    expect(ctx.exchange).toBe(exchange);
  });

  it('fails connect() and subscribe() on a declaration mismatch with an error naming the queue and the argument', async () => {
    const queue = `mismatch.${uid()}`;
    queues.push(queue);
    const owner = rabbit({ queues: [{ name: queue, type: 'classic' }] });
    await owner.connect();

    const conflicting = rabbit({ queues: [{ name: queue, type: 'quorum' }] });
    const error = await conflicting.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RabbitTopologyError);
    expect((error as RabbitTopologyError).code).toBe(406);
    expect((error as Error).message).toContain(`queue "${queue}"`);
    expect((error as Error).message).toContain('x-queue-type');

    const subscriber = rabbit();
    await expect(
      subscriber.subscribe({ topic: 't', group: 'g', concurrency: 1, options: { queue, queueType: 'quorum' }, handler: async (d) => d.ack() }),
    ).rejects.toThrow(new RegExp(`queue "${queue}".*x-queue-type`));
    // The refused declaration closed only the declaring channel: the transport still works.
    const afterTopic = `after.${uid()}`;
    const { inbox } = await consume(subscriber, afterTopic, 'after');
    await subscriber.publish({ topic: afterTopic, body: json(1), headers: {} });
    await inbox.waitFor(1);
  });

  it('keeps dead letters published to <topic>.dlq in a durable queue of that name', async () => {
    const transport = rabbit();
    const dlq = `dead.${uid()}.dlq`;
    queues.push(dlq);
    await transport.connect();
    await transport.publish({ topic: dlq, body: json('poison'), headers: { 'x-dlq-reason': 'failed' } });
    const message = await admin.get(dlq);
    expect(message && message.content.toString()).toBe('"poison"');
    expect(message && message.properties.headers?.['x-dlq-reason']).toBe('failed');
  });

  it('rejects a mandatory publish nobody is bound for, and a publish to a missing exchange, then publishes again', async () => {
    const transport = rabbit();
    await transport.connect();
    await expect(transport.publish({ topic: `nobody.${uid()}`, body: json(1), headers: {}, options: { mandatory: true } })).rejects.toBeInstanceOf(
      RabbitUnroutableError,
    );
    await expect(transport.publish({ topic: 'x', body: json(1), headers: {}, options: { exchange: `missing-${uid()}` } })).rejects.toThrow(/NOT_FOUND/);
    const topic = `afterwards.${uid()}`;
    const { inbox } = await consume(transport, topic, 'afterwards');
    await transport.publish({ topic, body: json('ok'), headers: {} });
    await inbox.waitFor(1);
  });

  it('re-declares a deleted queue and resumes consuming', async () => {
    const transport = rabbit();
    const topic = `deleted.${uid()}`;
    const queue = `deleted.${topic}`;
    const { inbox } = await consume(transport, topic, 'deleted');
    await admin.deleteQueue(queue);
    await eventually('the queue to be re-declared with its consumer', async () => ((await admin.queue(queue))?.consumerCount === 1 ? true : undefined));
    await transport.publish({ topic, body: json('after delete'), headers: {} });
    const [delivery] = await inbox.waitFor(1);
    expect(JSON.parse(delivery!.message.body.toString())).toBe('after delete');
    expect(transport.health()).toMatchObject({ status: 'up', subscriptions: 1 });
  });

  it('recovers from a channel error forced on the consumer channel; the unacked message comes back', async () => {
    const transport = rabbit();
    const topic = `chanerr.${uid()}`;
    const { inbox } = await consume(transport, topic, 'chanerr', async (delivery, box) => {
      if (box.deliveries.length === 1) {
        const ctx = transport.createContext({ delivery, transport: 'rabbitmq', group: 'chanerr', handler: 'T.h' }) as RabbitContext;
        // A passive declare of a missing queue: the broker closes the channel with 404.
        await ctx.channel!.checkQueue(`missing-${uid()}`).catch(() => undefined);
      }
      await delivery.ack();
    });
    await transport.publish({ topic, body: json('first'), headers: {} });
    const [, again] = await inbox.waitFor(2);
    expect(again!.message).toMatchObject({ redelivered: true, deliveryAttempt: 2 });
    await transport.publish({ topic, body: json('second'), headers: {} });
    const all = await inbox.waitFor(3);
    expect(JSON.parse(all[2]!.message.body.toString())).toBe('second');
  });

  it('loses no confirmed message when the broker closes the connection mid-flow (rabbitmqctl close_connection, not a restart)', async () => {
    const connectionName = `nestream-test-restart-${uid()}`;
    const transport = rabbit({ connectionName });
    const topic = `restart.${uid()}`;
    const seen = new Set<number>();
    await consume(
      transport,
      topic,
      'restart',
      async (delivery) => {
        seen.add(Number(delivery.message.body.toString()));
        await sleep(2);
        await delivery.ack();
      },
      5,
    );
    const confirmed: number[] = [];
    let closed = 0;
    for (let i = 0; i < 150; i++) {
      if (i === 60) closed = await closeConnectionsFromBroker(connectionName);
      await publishUntilConfirmed(transport, { topic, body: json(i), headers: {} }, 20, 100);
      confirmed.push(i);
    }
    expect(closed).toBe(1);
    await eventually('every confirmed message to arrive', () => (confirmed.every((i) => seen.has(i)) ? true : undefined), 30_000);
    expect(transport.health().status).toBe('up');
  });

  it('acks handlers that finish out of order, between nacks and rejects, with none lost or repeated (coalesced acks)', async () => {
    const transport = rabbit();
    const topic = `coalesce.${uid()}`;
    const queue = `coalesce.${topic}`;
    const count = 300;
    // Every 7th is nacked once (back to the queue), every 11th rejected (dropped); delays put the finishes out of order.
    const { inbox, subscription } = await consume(
      transport,
      topic,
      'coalesce',
      async (delivery) => {
        const n = JSON.parse(delivery.message.body.toString()) as number;
        await sleep((n * 37) % 13);
        if (n % 7 === 0 && delivery.message.deliveryAttempt === 1) await delivery.nack();
        else if (n % 11 === 0) await delivery.reject();
        else await delivery.ack();
      },
      8,
    );
    await Promise.all(Array.from({ length: count }, (_, n) => transport.publish({ topic, body: json(n), headers: {} })));
    const renacked = [...Array(count).keys()].filter((n) => n % 7 === 0).length;
    const all = await inbox.waitFor(count + renacked);
    await subscription.close();
    const times = new Map<number, number>();
    for (const delivery of all) {
      const n = JSON.parse(delivery.message.body.toString()) as number;
      times.set(n, (times.get(n) ?? 0) + 1);
    }
    expect([...times.keys()].sort((a, b) => a - b)).toEqual([...Array(count).keys()]);
    for (const [n, seen] of times) expect([n, seen]).toEqual([n, n % 7 === 0 ? 2 : 1]);
    // Closed: an ack that was never written would have put its message back in the queue.
    expect(await admin.queue(queue)).toMatchObject({ messageCount: 0, consumerCount: 0 });
  });

  it('keeps acking the deliveries after one that is still running, so a slow message does not hold the prefetch window', async () => {
    const transport = rabbit();
    const topic = `slowhead.${uid()}`;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const { inbox } = await consume(
      transport,
      topic,
      'slowhead',
      async (delivery) => {
        if (JSON.parse(delivery.message.body.toString()) === 0) await released;
        await delivery.ack();
      },
      2,
      { prefetch: 2 },
    );
    for (let n = 0; n < 30; n++) await transport.publish({ topic, body: json(n), headers: {} });
    // With the acks after the first one held back, two unacked deliveries would fill the window at the third.
    await inbox.waitFor(30);
    release();
    await eventually('every ack to reach the broker', async () => ((await admin.queue(`slowhead.${topic}`))?.messageCount === 0 ? true : undefined));
    await transport.close();
    expect(await admin.queue(`slowhead.${topic}`)).toMatchObject({ messageCount: 0 });
  });

  it('drains in-flight handlers on close and sends their acks before closing the channel', async () => {
    const transport = rabbit();
    const topic = `drain.${uid()}`;
    let finished = 0;
    const { inbox } = await consume(
      transport,
      topic,
      'drain',
      async (delivery) => {
        await sleep(300);
        finished++;
        await delivery.ack();
      },
      2,
    );
    await transport.publish({ topic, body: json(1), headers: {} });
    await transport.publish({ topic, body: json(2), headers: {} });
    await inbox.waitFor(2);
    await transport.close();
    expect(finished).toBe(2);
    expect(transport.health().status).toBe('down');
    expect(await admin.queue(`drain.${topic}`)).toMatchObject({ messageCount: 0 });
  });

  it('on close, hands prefetched deliveries that never started back to the queue at once; started ones finish and are acked', async () => {
    const transport = rabbit();
    const topic = `handback.${uid()}`;
    const queue = `handback.${topic}`;
    const started: number[] = [];
    let finished = 0;
    const { subscription } = await consume(
      transport,
      topic,
      'handback',
      async (delivery) => {
        started.push(Number(delivery.message.body.toString()));
        await sleep(400);
        finished++;
        await delivery.ack();
      },
      2,
      { prefetch: 10 },
    );
    for (let i = 0; i < 10; i++) await transport.publish({ topic, body: json(i), headers: {} });
    await eventually('two handlers to start and the rest to be prefetched', async () => (started.length === 2 && (await admin.queue(queue))?.messageCount === 0 ? true : undefined));
    const closedAt = Date.now();
    await subscription.close();
    expect(Date.now() - closedAt).toBeLessThan(1_500); // one round of handlers, not all ten
    expect(started).toHaveLength(2);
    expect(finished).toBe(2);
    // The eight that waited are back in the queue, ready for the next member; the two that ran are acked.
    expect(await admin.queue(queue)).toMatchObject({ messageCount: 8, consumerCount: 0 });
    const next = await consume(rabbit(), topic, 'handback');
    const rest = await next.inbox.waitFor(8);
    expect(rest.map((d) => Number(d.message.body.toString())).sort((a, b) => a - b)).toEqual([...Array(10).keys()].filter((i) => !started.includes(i)));
  });

  it('checks subscriber options: an unknown key or a bad value is reported, the known ones pass', () => {
    const transport = rabbit();
    expect(transport.checkSubscriberOptions({ queue: 'q', exchange: '', queueType: 'quorum', prefetch: 20, skipTopicBinding: false, bindings: [{ exchange: 'x', pattern: '#' }] })).toEqual([]);
    const problems = transport.checkSubscriberOptions({ queu: 'typo', queueType: 'lazy', prefetch: 0, bindings: 'x' });
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/unknown option 'queu' \(known: queue, exchange/);
    expect(problems.slice(1).join(' ')).toMatch(/'queueType'.*'prefetch'.*'bindings'/);
  });

  it('the conformance target counts what a group still holds: its queue (ready and unacked) and its retry queues', async () => {
    const transport = rabbit();
    const topic = `unsettled.${uid()}`;
    const queue = `unsettled.${topic}`;
    queues.push(`${queue}.retry.60000`);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const { inbox } = await consume(
      transport,
      topic,
      'unsettled',
      async (delivery) => {
        const body = JSON.parse(delivery.message.body.toString()) as string;
        if (body === 'later') return delivery.nack({ delayMs: 60_000 });
        if (body === 'held') await released; // in flight, unacked, until released
        await delivery.ack();
      },
      2,
    );
    for (const body of ['done', 'later', 'held']) await transport.publish({ topic, body: json(body), headers: {} });
    await inbox.waitFor(3);
    await eventually('the delayed copy to be in its retry queue', async () => ((await admin.queue(`${queue}.retry.60000`))?.messageCount === 1 ? true : undefined));
    // 'held' is delivered and unacked, 'later' waits in the retry queue, 'done' is gone.
    expect(await conformance.unsettled!(topic, 'unsettled')).toBe(2);
    release();
    await eventually('the ack to count', async () => ((await conformance.unsettled!(topic, 'unsettled')) === 1 ? true : undefined));
  });

  it('rejects connect() and publish() when the broker is unreachable, naming the address without the password', async () => {
    const transport = rabbit({ url: 'amqp://guest:secret@127.0.0.1:1', initialConnectAttempts: 2, publishTimeoutMs: 1_000 });
    const error = await transport.connect().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain('127.0.0.1:1');
    expect(error?.message).not.toContain('secret');
    await expect(transport.publish({ topic: 'nowhere', body: json(1), headers: {} })).rejects.toThrow(/could not connect to amqp:\/\/guest:\*\*\*@127\.0\.0\.1:1/);
    expect(transport.health().status).toBe('down');
  });
});
