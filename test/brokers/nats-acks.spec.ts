import { afterEach, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import type { DeliveryHandler, SubscribeRequest } from '../../lib/core/transport.js';
import { NatsTransport, type NatsJetStreamOptions } from '../../lib/transports/nats/index.js';
import { endpoints } from './endpoints.js';

// How JetStream acks are sent: confirmed by the server by default (ackAck), pipelined when the
// handler acks last (the confirmation holds no slot), or plain with `ackAck: false`.

const open: NatsTransport[] = [];
afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((transport) => transport.close()));
});

const topic = (name: string) => `nestream.${randomUUID().slice(0, 8)}.${name}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const body = (text: string) => Buffer.from(text);
const testJetStream: NatsJetStreamOptions = { streamDefaults: { maxAgeMs: 10 * 60_000 }, consumerDefaults: { fetchExpiresMs: 1000 } };

function transport(jetstream: NatsJetStreamOptions = testJetStream): NatsTransport {
  const created = new NatsTransport({ servers: endpoints.natsUrl(), jetstream });
  open.push(created);
  return created;
}

function request(t: string, group: string, handler: DeliveryHandler, extra: Partial<SubscribeRequest> = {}): SubscribeRequest {
  return { topic: t, group, concurrency: 1, options: {}, handler, ...extra };
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** The outcome of the `ack()` of a message whose consumer is deleted while its handler runs. */
async function ackAfterConsumerDeleted(options: Record<string, unknown>): Promise<{ error?: unknown }> {
  const js = transport();
  const subject = topic('lost-ack');
  const group = `acks-${randomUUID().slice(0, 8)}`;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let outcome: { error?: unknown } | undefined;
  let started = false;
  await js.subscribe(
    request(subject, group, async (delivery) => {
      started = true;
      await gate;
      outcome = await delivery.ack().then(
        () => ({}),
        (error: unknown) => ({ error }),
      );
    }, { options, acksLast: true }),
  );
  await js.publish({ topic: subject, body: body('m'), headers: {} });
  await waitFor(() => started);

  const jsm = await jetstreamManager(js.unwrap<NatsConnection>());
  await jsm.consumers.delete(await jsm.streams.find(subject), group);
  release();
  await waitFor(() => outcome !== undefined);
  return outcome!;
}

describe('NatsTransport, JetStream acks', () => {
  it('fails the ack() of a message when the server does not confirm it, also when acks are pipelined (default ackAck)', async () => {
    const { error } = await ackAfterConsumerDeleted({});
    expect(error).toBeInstanceOf(Error);
  }, 20_000);

  it('with ackAck: false, sends a plain ack and awaits nothing: the same lost ack resolves', async () => {
    const { error } = await ackAfterConsumerDeleted({ ackAck: false });
    expect(error).toBeUndefined();
  }, 20_000);

  it('with ackAck: false, every acked message stays acked: none is redelivered after AckWait', async () => {
    const js = transport({ ...testJetStream, consumerDefaults: { fetchExpiresMs: 1000, ackWaitMs: 1000 } });
    const subject = topic('plain-acks');
    const group = 'plain';
    const deliveries: string[] = [];
    await js.subscribe(
      request(subject, group, async (delivery) => {
        deliveries.push(delivery.message.body.toString());
        await delivery.ack();
      }, { concurrency: 5, options: { ackAck: false } }),
    );
    const sent = Array.from({ length: 40 }, (_, i) => `m${i}`);
    await Promise.all(sent.map((text) => js.publish({ topic: subject, body: body(text), headers: {} })));

    await waitFor(() => deliveries.length === sent.length);
    await sleep(2500); // past AckWait twice: an ack the server never took would come back by now
    expect([...deliveries].sort()).toEqual([...sent].sort());
    const jsm = await jetstreamManager(js.unwrap<NatsConnection>());
    const info = await jsm.consumers.info(await jsm.streams.find(subject), group);
    expect(info.num_ack_pending + info.num_pending + info.num_redelivered).toBe(0);
  }, 20_000);

  it('with acksLast, confirms every ack while the next messages are handled, never more than `concurrency` at once', async () => {
    const js = transport();
    const subject = topic('pipelined');
    const group = 'pipelined';
    let busy = 0;
    let maxBusy = 0;
    let confirmed = 0;
    let failed = 0;
    await js.subscribe(
      request(subject, group, async (delivery) => {
        busy++;
        maxBusy = Math.max(maxBusy, busy);
        await sleep(1);
        busy--;
        await delivery.ack().then(
          () => confirmed++,
          () => failed++,
        );
      }, { concurrency: 10, acksLast: true }),
    );
    await Promise.all(Array.from({ length: 500 }, (_, i) => js.publish({ topic: subject, body: body(String(i)), headers: {} })));

    await waitFor(() => confirmed + failed === 500);
    expect(failed).toBe(0);
    expect(maxBusy).toBeLessThanOrEqual(10);
    const jsm = await jetstreamManager(js.unwrap<NatsConnection>());
    const info = await jsm.consumers.info(await jsm.streams.find(subject), group);
    expect(info.num_ack_pending + info.num_pending).toBe(0);
  }, 20_000);

  it('checks ackAck at bootstrap, on subscribers and in consumerDefaults alike', () => {
    const js = transport();
    expect(js.checkSubscriberOptions({ ackAck: false })).toEqual([]);
    expect(js.checkSubscriberOptions({ ackAck: 'no' }).join()).toMatch(/'ackAck' must be true or false, got 'no'/);
    expect(transport({ consumerDefaults: { ackAck: 0 as unknown as boolean } }).checkSubscriberOptions({}).join()).toMatch(/'ackAck' must be true or false/);
    const core = new NatsTransport({ servers: endpoints.natsUrl() });
    expect(core.checkSubscriberOptions({ ackAck: false }).join()).toMatch(/'ackAck' is a JetStream option; this transport speaks core NATS/);
  });
});
