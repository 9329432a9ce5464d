import { describe, expect, it, jest } from '@jest/globals';
import { backoffDelay, DEFAULT_BACKOFF } from '../../lib/core/backoff.js';
import { RetryInterceptor } from '../../lib/interceptors/retry.interceptor.js';
import { MessageContext, type Delivery } from '../../lib/index.js';

const schedule = { initialMs: 100, factor: 2, maxMs: 1_000, jitter: 0.1 };

describe('backoff', () => {
  it('follows initial · factor^(n-1), within ±jitter, never above the cap', () => {
    for (let attempt = 1; attempt <= 8; attempt++) {
      const base = Math.min(1_000, 100 * 2 ** (attempt - 1));
      for (const r of [0, 0.25, 0.5, 0.75, 0.999]) {
        const delay = backoffDelay(attempt, schedule, () => r);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(base * 0.9));
        expect(delay).toBeLessThanOrEqual(Math.min(1_000, Math.ceil(base * 1.1)));
      }
    }
    expect(backoffDelay(30, { ...DEFAULT_BACKOFF, jitter: 0 })).toBe(DEFAULT_BACKOFF.maxMs);
  });

  it('waits the scheduled delays between in-process attempts (fake timers, ±10%)', async () => {
    jest.useFakeTimers();
    try {
      const runsAt: number[] = [];
      const delivery: Delivery = {
        message: { topic: 't', body: Buffer.from('{}'), headers: {}, deliveryAttempt: 1, redelivered: false, raw: null },
        ack: async () => {},
        nack: async () => {},
        reject: async () => {},
      };
      const ctx = new MessageContext({ delivery, transport: 'memory', group: 'g', handler: 'H.m' });
      const retry = new RetryInterceptor({ attempts: 4, backoff: schedule, mode: 'in-process' }, false, []);
      const done = retry.intercept(ctx, async () => {
        runsAt.push(Date.now());
        throw new Error('always');
      });
      const outcome = done.catch((error: Error) => error.message);
      await jest.advanceTimersByTimeAsync(5_000);
      expect(await outcome).toBe('always');
      const gaps = runsAt.slice(1).map((t, i) => t - runsAt[i]!);
      expect(gaps).toHaveLength(3);
      [100, 200, 400].forEach((expected, i) => {
        expect(gaps[i]!).toBeGreaterThanOrEqual(expected * 0.9);
        expect(gaps[i]!).toBeLessThanOrEqual(expected * 1.1);
      });
      expect(ctx.attempt).toBe(4);
    } finally {
      jest.useRealTimers();
    }
  });
});
