import { expect, it } from '@jest/globals';
import type { Transport } from '../../lib/index.js';
import { itIf, sleep, topicFor, until } from '../conformance/harness.js';
import type { ConformanceTarget } from '../conformance/target.js';
import { Probe, publishMany } from './probe.js';

/**
 * The transport-level suite (watermill's test_pubsub.go is the model): the Transport contract
 * itself, without Nest or the consume chain, against the real broker. Where the target can ask
 * its broker what is still unsettled, acked work must be gone and unacked work must be there.
 */
export function universalCases(target: ConformanceTarget): void {
  const caps = target.create().capabilities;
  const transports: Transport[] = [];
  const probes: Probe[] = [];
  const fresh = (): Transport => {
    const transport = target.create();
    transports.push(transport);
    return transport;
  };
  const open = async (...args: Parameters<typeof Probe.open> extends [unknown, unknown, ...infer R] ? R : never): Promise<Probe> => {
    const probe = await Probe.open(target, fresh(), ...args);
    probes.push(probe);
    return probe;
  };
  const cleanUp = async () => {
    await Promise.allSettled(probes.splice(0).map((p) => p.close()));
    await Promise.allSettled(transports.splice(0).map((t) => t.close()));
  };
  const unsettled = (topic: string, group: string) => target.unsettled!(topic, group);
  const checksBroker = Boolean(target.unsettled) && !caps.lossy;
  const guarded = (name: string, applies: boolean, fn: () => Promise<void>) =>
    itIf(applies, name, async () => {
      try {
        await fn();
      } finally {
        await cleanUp();
      }
    });

  it('every persistent target can ask its broker what is unsettled', () => {
    expect(caps.persistent ? typeof target.unsettled : 'function').toBe('function');
  });

  guarded('publishes and subscribes: each message once, body, headers and key intact; acked work is gone from the broker', true, async () => {
    const topic = topicFor('pubsub');
    const probe = await open(topic, 'g');
    const sent = await publishMany(fresh(), topic, 50, 'm', (i) => `k${i % 5}`);
    await until(target, () => probe.bodies().size === sent.length, 'all 50', () => probe.received.length);
    await sleep(300);
    expect(probe.received).toHaveLength(sent.length);
    for (const message of probe.received) {
      const i = Number(message.body.toString().slice(1));
      expect(message.topic).toBe(topic);
      expect(message.headers['x-n']).toBe(String(i));
      expect(message.key).toBe(`k${i % 5}`);
      expect(message.deliveryAttempt).toBe(1);
    }
    await probe.close();
    if (checksBroker) expect(await unsettled(topic, 'g')).toBe(0);
  });

  guarded('subscribes to many topics at once, each getting only its own', true, async () => {
    const topics = Array.from({ length: 5 }, (_, i) => topicFor(`many${i}`));
    const probes = await Promise.all(topics.map((topic) => open(topic, 'g')));
    const publisher = fresh();
    await Promise.all(topics.map((topic, i) => publishMany(publisher, topic, 10, `t${i}-`)));
    for (const [i, probe] of probes.entries()) {
      await until(target, () => probe.bodies().size === 10, `10 on topic ${i}`, () => probe.received.length);
      expect([...probe.bodies()].every((body) => body.startsWith(`t${i}-`))).toBe(true);
    }
  });

  guarded('resends a nacked message, counting the attempt; then it is acked and gone', !caps.lossy, async () => {
    const topic = topicFor('nack');
    const probe = await open(topic, 'g', (delivery, seen) => (seen === 1 ? delivery.nack() : delivery.ack()));
    await publishMany(fresh(), topic, 10);
    await until(target, () => probe.received.length >= 20, 'each message twice', () => probe.received.length);
    const second = probe.received.filter((m) => m.deliveryAttempt >= 2 || m.redelivered);
    expect(new Set(second.map((m) => m.body.toString())).size).toBe(10);
    await sleep(300);
    await probe.close();
    if (checksBroker) expect(await unsettled(topic, 'g')).toBe(0);
  });

  guarded('never takes an unsettled message for done: the broker keeps it, and the next subscriber gets it', !caps.lossy, async () => {
    const topic = topicFor('noack');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The handler returns without settling (after the close began): the kit hands it back.
    const first = await open(topic, 'g', () => held, 1);
    await publishMany(fresh(), topic, 1, 'only');
    await until(target, () => first.received.length === 1, 'the message');
    const closing = first.close();
    release();
    await closing;
    if (checksBroker) expect(await unsettled(topic, 'g')).toBeGreaterThanOrEqual(1);
    const second = await open(topic, 'g');
    await until(target, () => second.received.length >= 1, 'the same message, again');
    expect(second.received[0]!.body.toString()).toBe('only0');
  });

  guarded('continues after the client goes away: a new client in the group gets the rest, nothing lost', caps.persistent, async () => {
    const topic = topicFor('resume');
    const firstClient = fresh();
    const first = await Probe.open(target, firstClient, topic, 'g', async (delivery) => {
      await sleep(10);
      await delivery.ack();
    }, 1);
    const sent = await publishMany(fresh(), topic, 40);
    await until(target, () => first.received.length >= 10, 'the first 10');
    await first.close();
    await firstClient.close();
    const second = await open(topic, 'g');
    const all = () => new Set([...first.bodies(), ...second.bodies()]);
    await until(target, () => all().size === sent.length, 'the rest, on the new client', () => [first.received.length, second.received.length]);
    await second.close();
    if (checksBroker) expect(await unsettled(topic, 'g')).toBe(0);
  });

  guarded('keeps the order of one key under concurrency', caps.orderedPerKey, async () => {
    const topic = topicFor('order');
    const probe = await open(topic, 'g', async (delivery) => {
      await sleep(Math.random() * 5);
      await delivery.ack();
    });
    const sent = await publishMany(fresh(), topic, 30, 'o', () => 'one-key');
    await until(target, () => probe.received.length === sent.length, 'all 30', () => probe.received.length);
    expect(probe.received.map((m) => m.body.toString())).toEqual(sent);
  });

  guarded('gives each group every message, and shares a group between its members', caps.consumerGroups, async () => {
    const topic = topicFor('groups');
    const [a1, a2, b] = await Promise.all([open(topic, 'a'), open(topic, 'a'), open(topic, 'b')]);
    const sent = await publishMany(fresh(), topic, 40, 'g', (i) => `k${i}`);
    await until(target, () => b.bodies().size === sent.length, 'group b, everything', () => b.received.length);
    await until(target, () => new Set([...a1.bodies(), ...a2.bodies()]).size === sent.length, 'group a, everything', () => [a1.received.length, a2.received.length]);
    await sleep(300);
    expect(a1.received.length + a2.received.length).toBe(sent.length); // each once within the group
  });
}
