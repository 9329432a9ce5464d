import { describe, expect, it } from '@jest/globals';
import { MemoryTransport, type Delivery } from '../../lib/index.js';
import { eventually } from '../support/app-harness.js';

const msg = (topic: string, i: number, key?: string) => ({ topic, body: Buffer.from(String(i)), headers: {}, key });
const id = (d: Delivery) => Number(d.message.body.toString());

describe('MemoryTransport', () => {
  it('gives each group every message and shares a group between its members', async () => {
    const t = new MemoryTransport();
    const got: Record<string, number[]> = { a1: [], a2: [], b: [] };
    const member = (name: string, group: string) =>
      t.subscribe({ topic: 'x', group, concurrency: 1, options: {}, handler: async (d) => void (got[name]!.push(id(d)), await d.ack()) });
    await Promise.all([member('a1', 'a'), member('a2', 'a'), member('b', 'b')]);
    for (let i = 0; i < 10; i++) await t.publish(msg('x', i));
    await t.whenIdle();
    expect([...got.a1!, ...got.a2!].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(got.a1!.length).toBeGreaterThan(0);
    expect(got.a2!.length).toBeGreaterThan(0);
    expect(got.b).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('redelivers a nacked message (after its delay) with the delivery attempt counted', async () => {
    const t = new MemoryTransport();
    const attempts: number[] = [];
    await t.subscribe({
      topic: 'x',
      group: 'g',
      concurrency: 1,
      options: {},
      handler: async (d) => {
        attempts.push(d.message.deliveryAttempt);
        if (d.message.deliveryAttempt === 1) await d.nack();
        else if (d.message.deliveryAttempt === 2) await d.nack({ delayMs: 20 });
        else await d.ack();
      },
    });
    await t.publish(msg('x', 1));
    await eventually(() => attempts.length === 3, 'three deliveries');
    await t.whenIdle();
    expect(attempts).toEqual([1, 2, 3]);
    expect(t.outstanding).toBe(0);
  });

  it('never has more than `concurrency` deliveries unsettled', async () => {
    const t = new MemoryTransport();
    let inFlight = 0;
    let max = 0;
    await t.subscribe({
      topic: 'x',
      group: 'g',
      concurrency: 3,
      options: {},
      handler: async (d) => {
        max = Math.max(max, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight--;
        await d.ack();
      },
    });
    for (let i = 0; i < 30; i++) await t.publish(msg('x', i));
    await t.whenIdle();
    expect(max).toBe(3);
  });

  it('keeps order per key, even across a redelivery', async () => {
    const t = new MemoryTransport();
    const seen: Record<string, number[]> = {};
    let failedOnce = false;
    await t.subscribe({
      topic: 'x',
      group: 'g',
      concurrency: 8,
      options: {},
      handler: async (d) => {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
        if (!failedOnce && id(d) === 3) {
          failedOnce = true;
          return d.nack({ delayMs: 5 });
        }
        (seen[d.message.key!] ??= []).push(id(d));
        await d.ack();
      },
    });
    for (let i = 0; i < 20; i++) await t.publish(msg('x', i, i % 2 ? 'odd' : 'even'));
    await t.whenIdle();
    expect(seen.even).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(seen.odd).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
  });

  it('keeps messages for a group while it has no member, and close() waits for in-flight deliveries', async () => {
    const t = new MemoryTransport();
    t.declareGroup('x', 'g');
    await t.publish(msg('x', 1));
    let release!: () => void;
    const started: number[] = [];
    const sub = await t.subscribe({
      topic: 'x',
      group: 'g',
      concurrency: 1,
      options: {},
      handler: async (d) => {
        started.push(id(d));
        await new Promise<void>((resolve) => (release = resolve));
        await d.ack();
      },
    });
    await eventually(() => started.length === 1, 'the retained message');
    let closed = false;
    const closing = sub.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(t.outstanding).toBe(0);
  });

  it('refuses to publish once closed', async () => {
    const t = new MemoryTransport();
    await t.close();
    await expect(t.publish(msg('x', 1))).rejects.toThrow(/closed/);
    expect(t.health().status).toBe('down');
  });
});
