import { Controller } from '@nestjs/common';
import { expect, it } from '@jest/globals';
import { Headers, MessageBus, Subscriber, type MessageContext } from '../../lib/index.js';
import { boundedAll, CaseApps, itIf, sleep, topicFor, until } from './harness.js';
import type { ConformanceTarget } from './target.js';

/** Delivery: payloads and headers intact, volume, isolation, groups, per-key order. */
export function deliveryCases(target: ConformanceTarget, apps: CaseApps): void {
  const caps = target.create().capabilities;
  const opts = target.subscribeOptions ?? {};

  it('delivers 100 messages with payload, headers, correlation id and message id intact', async () => {
    const topic = topicFor('intact');
    const got = new Map<number, { payload: unknown; ctx: MessageContext }>();
    @Controller()
    class Reader {
      @Subscriber(topic, { transport: 't', transportOptions: opts })
      handle(payload: { i: number }, ctx: MessageContext) {
        got.set(payload.i, { payload, ctx });
      }
    }
    const app = await apps.boot([Reader]);
    const bus = app.get(MessageBus);
    for (let i = 0; i < 100; i++) {
      await bus.publish(topic, { i, text: `message ${i}` }, { transport: 't', messageId: `msg-${i}`, key: `k${i % 7}`, headers: { [Headers.correlationId]: `corr-${i}`, 'x-case': `case-${i}` } });
    }
    await until(target, () => got.size === 100, '100 messages', () => got.size);
    for (let i = 0; i < 100; i++) {
      const { payload, ctx } = got.get(i)!;
      expect(payload).toEqual({ i, text: `message ${i}` });
      expect(ctx.headers['x-case']).toBe(`case-${i}`);
      expect(ctx.correlationId).toBe(`corr-${i}`);
      expect(ctx.event.id).toBe(`msg-${i}`);
      expect(ctx.event.source).toBe('test');
      expect(ctx.topic).toBe(topic);
    }
  });

  it('handles 10,000 messages at concurrency 50: the handled set equals the published set', async () => {
    const topic = topicFor('volume');
    const handled: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    @Controller()
    class Volume {
      @Subscriber(topic, { transport: 't', concurrency: 50, transportOptions: opts })
      async handle(payload: { i: number }) {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        handled.push(payload.i);
        inFlight--;
      }
    }
    const app = await apps.boot([Volume]);
    const bus = app.get(MessageBus);
    const N = 10_000;
    await boundedAll(N, 200, (i) => bus.publish(topic, { i }, { transport: 't', key: String(i % 64) }));
    const unique = () => new Set(handled).size;
    if (caps.lossy) {
      // At-most-once: nothing foreign, nothing twice; on loopback nearly everything arrives.
      await until(target, () => unique() >= N * 0.95, '95% of 10,000 messages (lossy transport)', () => unique());
      await sleep(200);
      expect(handled.length).toBe(unique());
    } else {
      await until(target, () => unique() === N, '10,000 distinct messages', () => unique());
      expect([...new Set(handled)].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
    }
    expect(handled.every((i) => i >= 0 && i < N)).toBe(true);
    expect(maxInFlight).toBeLessThanOrEqual(50);
  });

  it('never leaks messages between two topics', async () => {
    const a = topicFor('leak-a');
    const b = topicFor('leak-b');
    const seen: Record<string, string[]> = { a: [], b: [] };
    @Controller()
    class Two {
      @Subscriber(a, { transport: 't', transportOptions: opts })
      onA(payload: { from: string }) {
        seen.a!.push(payload.from);
      }
      @Subscriber(b, { transport: 't', transportOptions: opts })
      onB(payload: { from: string }) {
        seen.b!.push(payload.from);
      }
    }
    const app = await apps.boot([Two]);
    const bus = app.get(MessageBus);
    for (let i = 0; i < 10; i++) {
      await bus.publish(a, { from: 'a' }, { transport: 't' });
      await bus.publish(b, { from: 'b' }, { transport: 't' });
    }
    await until(target, () => seen.a!.length >= 10 && seen.b!.length >= 10, '10 per topic');
    await sleep(200);
    expect(seen.a).toEqual(Array(10).fill('a'));
    expect(seen.b).toEqual(Array(10).fill('b'));
  });

  it('gives every message to each of two groups', async () => {
    const topic = topicFor('groups');
    const byGroup: Record<string, number[]> = { billing: [], audit: [] };
    @Controller()
    class Groups {
      @Subscriber(topic, { transport: 't', group: 'billing', transportOptions: opts })
      billing(payload: { i: number }) {
        byGroup.billing!.push(payload.i);
      }
      @Subscriber(topic, { transport: 't', group: 'audit', transportOptions: opts })
      audit(payload: { i: number }) {
        byGroup.audit!.push(payload.i);
      }
    }
    const app = await apps.boot([Groups]);
    for (let i = 0; i < 20; i++) await app.get(MessageBus).publish(topic, { i }, { transport: 't' });
    await until(target, () => byGroup.billing!.length >= 20 && byGroup.audit!.length >= 20, '20 per group', () => byGroup);
    await sleep(200);
    const all = Array.from({ length: 20 }, (_, i) => i);
    expect([...byGroup.billing!].sort((x, y) => x - y)).toEqual(all);
    expect([...byGroup.audit!].sort((x, y) => x - y)).toEqual(all);
  });

  itIf(caps.consumerGroups, 'shares a group between two members: each message handled once', async () => {
    const topic = topicFor('members');
    const handled: number[] = [];
    const makeMember = () => {
      @Controller()
      class Member {
        @Subscriber(topic, { transport: 't', group: 'shared', transportOptions: opts })
        handle(payload: { i: number }) {
          handled.push(payload.i);
        }
      }
      return Member;
    };
    const first = await apps.boot([makeMember()]);
    await apps.boot([makeMember()]);
    for (let i = 0; i < 60; i++) await first.get(MessageBus).publish(topic, { i }, { transport: 't', key: `k${i}` });
    await until(target, () => new Set(handled).size === 60, '60 messages', () => handled.length);
    await sleep(300);
    expect(handled).toHaveLength(60);
  });

  itIf(caps.orderedPerKey, 'keeps per-key order under concurrency', async () => {
    const topic = topicFor('order');
    const seen = new Map<string, number[]>();
    @Controller()
    class Ordered {
      @Subscriber(topic, { transport: 't', concurrency: 10, transportOptions: opts })
      async handle(payload: { key: string; seq: number }) {
        await sleep(Math.random() * 3);
        seen.set(payload.key, [...(seen.get(payload.key) ?? []), payload.seq]);
      }
    }
    const app = await apps.boot([Ordered]);
    const bus = app.get(MessageBus);
    for (let seq = 0; seq < 20; seq++) {
      await Promise.all(['k1', 'k2', 'k3', 'k4', 'k5'].map((key) => bus.publish(topic, { key, seq }, { transport: 't', key })));
    }
    await until(target, () => [...seen.values()].reduce((n, s) => n + s.length, 0) === 100, '100 messages');
    for (const sequence of seen.values()) expect(sequence).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
}
