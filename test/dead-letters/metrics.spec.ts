import 'reflect-metadata';
import { Controller, type INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { DeadLetters, MessageBus, Subscriber } from '../../lib/index.js';
import { bootApp } from '../support/app-harness.js';
import { eventually } from '../support/poll.js';

const state = { failing: new Set(['1', '2', '3']) };

@Controller()
class Handlers {
  @Subscriber('metrics.dlq.orders')
  take(payload: { n: string }) {
    if (state.failing.has(payload.n)) throw new Error(`order ${payload.n} refused`);
  }
}

const registry = new Registry();
let app: INestApplication;
beforeAll(async () => {
  app = await bootApp({ retry: { attempts: 1 }, metrics: { registry } }, [Handlers]);
  for (const n of ['1', '2', '3']) await app.get(MessageBus).publish('metrics.dlq.orders', { n });
  await eventually('3 dead letters', async () => (await app.get(DeadLetters).list({ topic: 'metrics.dlq.orders.dlq' })).length === 3);
});
afterAll(() => app?.close());

async function replays(outcome: string): Promise<number> {
  const { values } = await registry.getSingleMetric('nestream_dead_letters_replayed_total')!.get();
  return values.find((v) => v.labels['outcome'] === outcome && v.labels['topic'] === 'metrics.dlq.orders.dlq')?.value ?? 0;
}

describe('replay metrics', () => {
  it('count replayed and skipped dead letters, and nothing for a dry run', async () => {
    const deadLetters = app.get(DeadLetters);
    await deadLetters.replay({ topic: 'metrics.dlq.orders.dlq', limit: 3, dryRun: true });
    expect(registry.getSingleMetric('nestream_dead_letters_replayed_total') === undefined || (await replays('replayed')) === 0).toBe(true);

    state.failing.delete('1');
    state.failing.delete('2');
    const report = await deadLetters.replay({ topic: 'metrics.dlq.orders.dlq', limit: 3, ratePerSec: 1000 });
    expect(report.replayed).toHaveLength(3);
    expect(await replays('replayed')).toBe(3);
    // Order 3 still fails: back with x-replay-count 1, and skipped by a replay capped at one.
    await eventually('order 3 back', async () => (await deadLetters.list({ topic: 'metrics.dlq.orders.dlq' })).some((l) => l.replayCount === 1));
    const capped = await deadLetters.replay({ topic: 'metrics.dlq.orders.dlq', limit: 3, maxReplays: 1 });
    expect(capped.skipped).toHaveLength(1);
    expect(await replays('skipped')).toBe(1);
  });
});
