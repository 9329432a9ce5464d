import { afterEach, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import type { Delivery } from '../../lib/core/message.js';
import { NatsContext, NatsTransport, type NatsJetStreamOptions } from '../../lib/transports/nats/index.js';
import type { DeliveryHandler, SubscribeRequest } from '../../lib/core/transport.js';
import { endpoints } from './endpoints.js';
import { PrivateNatsServer } from './nats-private-server.js';

const open: NatsTransport[] = [];
const servers: PrivateNatsServer[] = [];

afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((transport) => transport.close()));
  await Promise.allSettled(servers.splice(0).map((server) => server.stop()));
});

const topic = (name: string) => `nestream.${randomUUID().slice(0, 8)}.${name}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const body = (text: string) => Buffer.from(text);
const testJetStream: NatsJetStreamOptions = {
  streamDefaults: { maxAgeMs: 10 * 60_000 },
  consumerDefaults: { fetchExpiresMs: 1000 },
};

function transport(jetstream?: NatsJetStreamOptions, servers = endpoints.natsUrl()): NatsTransport {
  const created = new NatsTransport({ servers, ...(jetstream ? { jetstream } : {}) });
  open.push(created);
  return created;
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

function request(t: string, group: string, handler: DeliveryHandler, extra: Partial<SubscribeRequest> = {}): SubscribeRequest {
  return { topic: t, group, concurrency: 1, options: {}, handler, ...extra };
}

/** Acks everything and remembers what came. */
function recorder() {
  const received: Delivery[] = [];
  const handler: DeliveryHandler = async (delivery) => {
    received.push(delivery);
    await delivery.ack();
  };
  return { received, handler, bodies: () => received.map((d) => d.message.body.toString()) };
}

function context(t: NatsTransport, delivery: Delivery): NatsContext {
  return t.createContext({ delivery, transport: t.kind, group: 'g', handler: 'Test.handle' }) as NatsContext;
}

describe('NatsTransport, core NATS', () => {
  it('delivers to a `*` subscription with headers and key, as a first delivery', async () => {
    const nats = transport();
    const subject = topic('orders');
    const { received, handler } = recorder();
    await nats.subscribe(request(`${subject}.*`, 'billing', handler));
    await nats.publish({ topic: `${subject}.created`, body: body('{"id":1}'), headers: { 'content-type': 'application/json', correlation_id: 'c-1' }, key: 'k1' });

    await waitFor(() => received.length === 1);
    const message = received[0]!.message;
    expect(message).toMatchObject({ topic: `${subject}.created`, key: 'k1', deliveryAttempt: 1, redelivered: false });
    expect(message.headers).toEqual({ 'content-type': 'application/json', correlation_id: 'c-1' });
    expect(message.body.toString()).toBe('{"id":1}');
    const ctx = context(nats, received[0]!);
    expect(ctx.subject).toBe(`${subject}.created`);
    expect(ctx.isJetStream).toBe(false);
    expect(ctx.deliveryCount).toBe(1);
    expect(ctx.streamSequence).toBeUndefined();
  });

  it('delivers every deeper subject to a `>` subscription', async () => {
    const nats = transport();
    const subject = topic('events');
    const { handler, bodies } = recorder();
    await nats.subscribe(request(`${subject}.>`, 'audit', handler));
    await nats.publish({ topic: `${subject}.a`, body: body('a'), headers: {} });
    await nats.publish({ topic: `${subject}.a.b.c`, body: body('abc'), headers: {} });
    await nats.publish({ topic: `${subject}`, body: body('not-matched'), headers: {} });

    await waitFor(() => bodies().length === 2);
    await sleep(200);
    expect(bodies().sort()).toEqual(['a', 'abc']);
  });

  it('shares a queue group between members while another group gets every message', async () => {
    const subject = topic('jobs');
    const memberA = recorder();
    const memberB = recorder();
    const otherGroup = recorder();
    await transport().subscribe(request(subject, 'workers', memberA.handler, { concurrency: 4 }));
    await transport().subscribe(request(subject, 'workers', memberB.handler, { concurrency: 4 }));
    await transport().subscribe(request(subject, 'audit', otherGroup.handler, { concurrency: 4 }));
    const publisher = transport();
    const sent = Array.from({ length: 40 }, (_, i) => String(i));
    for (const text of sent) await publisher.publish({ topic: subject, body: body(text), headers: {} });

    await waitFor(() => memberA.received.length + memberB.received.length === 40 && otherGroup.received.length === 40);
    expect([...memberA.bodies(), ...memberB.bodies()].sort()).toEqual([...sent].sort());
    expect(memberA.received.length).toBeGreaterThan(0);
    expect(memberB.received.length).toBeGreaterThan(0);
    expect(otherGroup.bodies().sort()).toEqual([...sent].sort());
  });

  it('keeps at most `concurrency` handlers busy and drops beyond maxPending (at-most-once), reporting it', async () => {
    const nats = transport();
    const subject = topic('burst');
    let busy = 0;
    let maxBusy = 0;
    let handled = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await nats.subscribe(
      request(subject, 'slow', async (delivery) => {
        busy++;
        maxBusy = Math.max(maxBusy, busy);
        await gate;
        busy--;
        handled++;
        await delivery.ack();
      }, { concurrency: 2, options: { maxPending: 3 } }),
    );
    for (let i = 0; i < 20; i++) await nats.publish({ topic: subject, body: body(String(i)), headers: {} });
    await waitFor(() => busy === 2);
    release();
    await waitFor(() => handled === 5);
    await sleep(200);

    expect(handled).toBe(5);
    expect(maxBusy).toBe(2);
    expect(nats.health().lastError).toMatch(/dropped 15 message/);
  });

  it('on close stops receiving first, then finishes what it already received; the queue group gets the rest', async () => {
    const subject = topic('closing');
    const closing = transport();
    const other = recorder();
    const handled: string[] = [];
    let closeResolved = false;
    const subscription = await closing.subscribe(
      request(subject, 'workers', async (delivery) => {
        await sleep(30);
        handled.push(delivery.message.body.toString());
        await delivery.ack();
      }),
    );
    const publisher = transport();
    for (let i = 0; i < 10; i++) await publisher.publish({ topic: subject, body: body(`before${i}`), headers: {} });
    await waitFor(() => handled.length >= 1);
    const closed = subscription.close().then(() => (closeResolved = true));
    await sleep(20); // the unsubscribe has reached the server
    await transport().subscribe(request(subject, 'workers', other.handler));
    for (let i = 0; i < 5; i++) await publisher.publish({ topic: subject, body: body(`after${i}`), headers: {} });
    await closed;

    expect(closeResolved).toBe(true);
    expect(handled).toEqual(Array.from({ length: 10 }, (_, i) => `before${i}`)); // all it had received, none after
    await waitFor(() => other.received.length === 5);
    expect(other.bodies()).toEqual(Array.from({ length: 5 }, (_, i) => `after${i}`));
  });

  it('drops (and counts) what it received but had not started when the transport close cuts the finishing short', async () => {
    const nats = transport();
    const subject = topic('cut');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: string[] = [];
    const subscription = await nats.subscribe(
      request(subject, 'slow', async (delivery) => {
        started.push(delivery.message.body.toString());
        await gate;
        await delivery.ack();
      }),
    );
    for (let i = 0; i < 5; i++) await nats.publish({ topic: subject, body: body(String(i)), headers: {} });
    await waitFor(() => started.length === 1);
    await sleep(100); // the other four are buffered
    const closing = subscription.close();
    const transportClosed = nats.close();
    await sleep(50);
    release();
    await Promise.all([closing, transportClosed]);

    expect(started).toEqual(['0']); // the started one finished; the four waiting were dropped
  });

  it('checks subscriber options at bootstrap: unknown keys, bad values, and options of the other mode', () => {
    const core = transport();
    expect(core.checkSubscriberOptions({ maxPending: 10, maxPendingBytes: 1024 })).toEqual([]);
    expect(core.checkSubscriberOptions({ maxPendnig: 10 }).join()).toMatch(/unknown option 'maxPendnig' \(known: maxPending, maxPendingBytes\)/);
    expect(core.checkSubscriberOptions({ maxPending: -1 }).join()).toMatch(/'maxPending' must be a number ≥ 0/);
    expect(core.checkSubscriberOptions({ ackWaitMs: 60_000 }).join()).toMatch(/'ackWaitMs' is a JetStream option; this transport speaks core NATS/);
    const js = transport(testJetStream);
    expect(js.checkSubscriberOptions({ ackWaitMs: 60_000, deliverPolicy: 'new', durableName: 'd', maxDeliver: -1 })).toEqual([]);
    expect(js.checkSubscriberOptions({ deliverPolicy: 'first' }).join()).toMatch(/'deliverPolicy' must be one of 'all', 'new', 'last'/);
    expect(js.checkSubscriberOptions({ maxPending: 5 }).join()).toMatch(/'maxPending' is a core NATS option; this transport speaks JetStream/);
  });

  it('rejects a publish when the server is unreachable', async () => {
    const nats = new NatsTransport({ servers: '127.0.0.1:1', connection: { reconnect: false, timeout: 1000 } });
    open.push(nats);
    await expect(nats.publish({ topic: 'x', body: body('x'), headers: {} })).rejects.toThrow();
  });
});

describe('NatsTransport, JetStream', () => {
  it('keeps messages published before the group subscribes, deduplicates by idempotency key, and exposes stream details', async () => {
    const js = transport(testJetStream);
    const subject = topic('orders');
    const { received, handler, bodies } = recorder();
    await js.publish({ topic: subject, body: body('early'), headers: { 'x-idempotency-key': 'order-1' } });
    await js.publish({ topic: subject, body: body('early-again'), headers: { 'x-idempotency-key': 'order-1' } });
    await js.subscribe(request(subject, 'billing', handler, { concurrency: 2 }));
    await js.publish({ topic: subject, body: body('late'), headers: { correlation_id: 'c-9' }, key: 'k9' });

    await waitFor(() => received.length === 2);
    await sleep(300);
    expect(bodies()).toEqual(['early', 'late']);
    const late = received[1]!;
    expect(late.message).toMatchObject({ key: 'k9', deliveryAttempt: 1, redelivered: false, headers: { correlation_id: 'c-9' } });
    const ctx = context(js, late);
    expect(ctx.isJetStream).toBe(true);
    expect(ctx.subject).toBe(subject);
    expect(ctx.streamSequence).toBe(2);
    expect(ctx.deliveryCount).toBe(1);
    expect(ctx.consumer).toBe('billing');
    expect(ctx.stream).toBeDefined();
  });

  it('hands every pulled message that has not started back at once on close, never leaving it to AckWait', async () => {
    const subject = topic('handback');
    const publisher = transport(testJetStream);
    const sent = Array.from({ length: 150 }, (_, i) => `m${i}`);
    for (const text of sent) await publisher.publish({ topic: subject, body: body(text), headers: {} });
    const handled = new Set<string>();
    const consume = (side: NatsTransport) =>
      side.subscribe(
        request(subject, 'handback', async (delivery) => {
          await sleep(10);
          handled.add(delivery.message.body.toString());
          await delivery.ack();
        }, { concurrency: 5 }),
      );
    // Close mid-flow again and again: a message lost on its way to a closed pull would come
    // back only after AckWait (30 s here), long after the last consumer below gives up.
    for (let round = 0; round < 5; round++) {
      const side = transport(testJetStream);
      const subscription = await consume(side);
      const before = handled.size;
      await waitFor(() => handled.size >= before + 15);
      await subscription.close();
      await side.close();
    }
    const startedAt = Date.now();
    await consume(transport(testJetStream));
    await waitFor(() => handled.size === sent.length, 5_000);
    expect(Date.now() - startedAt).toBeLessThan(5_000);

    const jsm = await jetstreamManager(publisher.unwrap<NatsConnection>());
    await sleep(300); // the last acks land
    const info = await jsm.consumers.info(await jsm.streams.find(subject), 'handback');
    expect(info.num_ack_pending + info.num_pending).toBe(0);
  }, 30_000);

  it('redelivers a nacked message after its delay, without holding a slot meanwhile', async () => {
    const js = transport(testJetStream);
    const subject = topic('retry');
    const events: string[] = [];
    let nackedAt = 0;
    let redeliveredAfterMs = 0;
    await js.subscribe(
      request(subject, 'retrying', async (delivery) => {
        const { deliveryAttempt, redelivered } = delivery.message;
        const text = delivery.message.body.toString();
        events.push(`${text}#${deliveryAttempt}${redelivered ? 'r' : ''}`);
        if (text === 'A' && deliveryAttempt === 1) {
          nackedAt = Date.now();
          await delivery.nack({ delayMs: 1500 });
          await js.publish({ topic: subject, body: body('B'), headers: {} });
          return;
        }
        if (text === 'A') redeliveredAfterMs = Date.now() - nackedAt;
        await delivery.ack();
      }),
    );
    await js.publish({ topic: subject, body: body('A'), headers: {} });

    await waitFor(() => events.length === 3);
    // B, published after the nack, is handled while A waits on the server (concurrency 1).
    expect(events).toEqual(['A#1', 'B#1', 'A#2r']);
    expect(redeliveredAfterMs).toBeGreaterThanOrEqual(1400);
  });

  it('keeps a handler longer than AckWait alive with working(), so the message is delivered once', async () => {
    const js = transport({ ...testJetStream, consumerDefaults: { fetchExpiresMs: 1000, ackWaitMs: 2000 } });
    const subject = topic('long');
    const deliveries: number[] = [];
    let finished = false;
    await js.subscribe(
      request(subject, 'patient', async (delivery) => {
        deliveries.push(delivery.message.deliveryAttempt);
        await sleep(6000);
        await delivery.ack();
        finished = true;
      }, { concurrency: 2 }),
    );
    await js.publish({ topic: subject, body: body('slow'), headers: {} });

    await waitFor(() => finished, 15_000);
    await sleep(2500);
    expect(deliveries).toEqual([1]);
  }, 30_000);

  it('never hands a subscription more than `concurrency` unsettled deliveries', async () => {
    const js = transport(testJetStream);
    const subject = topic('bounded');
    let busy = 0;
    let maxBusy = 0;
    let done = 0;
    await js.subscribe(
      request(subject, 'bounded', async (delivery) => {
        busy++;
        maxBusy = Math.max(maxBusy, busy);
        await sleep(50);
        busy--;
        done++;
        await delivery.ack();
      }, { concurrency: 3 }),
    );
    await Promise.all(Array.from({ length: 30 }, (_, i) => js.publish({ topic: subject, body: body(String(i)), headers: {} })));

    await waitFor(() => done === 30);
    expect(maxBusy).toBe(3);
  });

  it('terminates a rejected message: it is not delivered again', async () => {
    const js = transport({ ...testJetStream, consumerDefaults: { fetchExpiresMs: 1000, ackWaitMs: 1000 } });
    const subject = topic('term');
    const attempts: number[] = [];
    await js.subscribe(request(subject, 'terminator', async (delivery) => {
      attempts.push(delivery.message.deliveryAttempt);
      await delivery.reject();
    }));
    await js.publish({ topic: subject, body: body('poison'), headers: {} });

    await waitFor(() => attempts.length === 1);
    await sleep(2500);
    expect(attempts).toEqual([1]);
  });

  it('recreates a consumer deleted under it and goes on consuming', async () => {
    const js = transport(testJetStream);
    const subject = topic('deleted');
    const { handler, bodies } = recorder();
    await js.subscribe(request(subject, 'phoenix', handler));
    await js.publish({ topic: subject, body: body('before'), headers: {} });
    await waitFor(() => bodies().length === 1);

    const jsm = await jetstreamManager(js.unwrap<NatsConnection>());
    const stream = await jsm.streams.find(subject);
    await jsm.consumers.delete(stream, 'phoenix');
    await waitFor(() => js.health().status === 'down' || bodies().length > 1, 10_000).catch(() => undefined);
    await js.publish({ topic: subject, body: body('after'), headers: {} });

    await waitFor(() => bodies().includes('after'), 20_000);
    await waitFor(() => js.health().status === 'up');
    expect((await jsm.consumers.info(stream, 'phoenix')).config.filter_subject).toBe(subject);
  }, 30_000);

  it('loses nothing across a server restart mid-flow', async () => {
    const server = await PrivateNatsServer.start();
    servers.push(server);
    const consumerSide = transport(testJetStream, server.url);
    const publisherSide = transport(testJetStream, server.url);
    const subject = topic('restart');
    const seen = new Set<string>();
    await consumerSide.subscribe(
      request(subject, 'survivors', async (delivery) => {
        await sleep(20);
        seen.add(delivery.message.body.toString());
        await delivery.ack().catch(() => undefined); // an ack lost in the restart means a redelivery
      }, { concurrency: 4 }),
    );
    const sent = Array.from({ length: 60 }, (_, i) => `m${i}`);
    for (const text of sent.slice(0, 30)) await publisherSide.publish({ topic: subject, body: body(text), headers: { message_id: text } });
    await waitFor(() => seen.size >= 5);

    await server.pause();
    await expect(publisherSide.publish({ topic: subject, body: body('while-down'), headers: {} })).rejects.toThrow();
    await waitFor(() => consumerSide.health().status === 'connecting');
    await server.resume();
    for (const text of sent.slice(30)) {
      await publishWhenBack(publisherSide, subject, text);
    }

    await waitFor(() => sent.every((text) => seen.has(text)), 40_000);
    await waitFor(() => consumerSide.health().status === 'up');
  }, 60_000);
});

/** The publisher may still be reconnecting; a rejected publish is retried (same id, deduplicated). */
async function publishWhenBack(nats: NatsTransport, subject: string, text: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await nats.publish({ topic: subject, body: body(text), headers: { message_id: text } });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(200);
    }
  }
}
