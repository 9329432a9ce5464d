import { Controller } from '@nestjs/common';
import { IsInt } from 'class-validator';
import { expect, it } from '@jest/globals';
import { DeadLetterHeaders, EventContract, MessageBus, Subscriber, type MessageContext } from '../../lib/index.js';
import { deadLetterReader, type DeadLetter } from './failure.cases.js';
import { boundedAll, CaseApps, sleep, topicFor, until } from './harness.js';
import type { ConformanceTarget } from './target.js';

/** Batch handlers (`@Subscriber(topic, { batch })`): the method gets arrays; each message is still settled on its own. */
export function batchCases(target: ConformanceTarget, apps: CaseApps): void {
  const opts = target.subscribeOptions ?? {};

  it('hands a batch handler every message once, in arrays of at most maxSize, contexts in payload order', async () => {
    const topic = topicFor('batch');
    const N = 60;
    const batches: number[][] = [];
    const mismatched: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    @Controller()
    class BatchReader {
      @Subscriber(topic, { transport: 't', batch: { maxSize: 10, maxWaitMs: 30 }, transportOptions: opts })
      async handle(events: { i: number }[], contexts: MessageContext[]) {
        batches.push(events.map((e) => e.i));
        events.forEach((event, index) => (contexts[index]!.payload as { i: number }).i !== event.i && mismatched.push(event.i));
        // The first batch waits until everything is published, so later ones find messages waiting.
        await gate;
      }
    }
    const app = await apps.boot([BatchReader]);
    const bus = app.get(MessageBus);
    await boundedAll(N, 20, (i) => bus.publish(topic, { i }, { transport: 't' }));
    release();
    const seen = () => new Set(batches.flat()).size;
    await until(target, () => seen() === N, `${N} messages in batches`, () => ({ seen: seen(), batches: batches.length }));
    await sleep(500); // anything unacked would come back meanwhile
    expect(batches.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(10);
    expect(batches.some((b) => b.length > 1)).toBe(true);
    expect(mismatched).toEqual([]);
  });

  it('dead-letters an invalid message of a batch alone; the others reach the handler', async () => {
    const topic = topicFor('batchbad');
    @EventContract(topic)
    class Reading {
      @IsInt() value!: number;
    }
    const got: number[] = [];
    const dlq: DeadLetter[] = [];
    @Controller()
    class BatchReader {
      @Subscriber(Reading, { transport: 't', batch: { maxSize: 5, maxWaitMs: 100 }, transportOptions: opts })
      handle(readings: Reading[]) {
        got.push(...readings.map((r) => r.value));
      }
    }
    const app = await apps.boot([BatchReader, deadLetterReader(topic, dlq, opts)]);
    const bus = app.get(MessageBus);
    for (const value of [1, 2, 'three', 4]) await bus.publish(topic, { value }, { transport: 't' });
    await until(target, () => got.length === 3 && dlq.length === 1, '3 readings and 1 dead letter', () => ({ got, dlq: dlq.length }));
    expect(got.sort()).toEqual([1, 2, 4]);
    expect(dlq[0]!.headers[DeadLetterHeaders.reason]).toBe('validation-failed');
    expect(JSON.parse(dlq[0]!.body.toString())).toEqual({ value: 'three' });
  });

  it('retries a failing batch as one unit, then dead-letters each of its messages', async () => {
    const topic = topicFor('batchfail');
    const runs: { ids: number[]; attempts: number[] }[] = [];
    const dlq: DeadLetter[] = [];
    @Controller()
    class Failing {
      @Subscriber(topic, { transport: 't', batch: { maxSize: 10, maxWaitMs: 200 }, transportOptions: opts })
      handle(events: { id: number }[], contexts: MessageContext[]) {
        runs.push({ ids: events.map((e) => e.id), attempts: contexts.map((c) => c.attempt) });
        throw new Error('warehouse offline');
      }
    }
    const app = await apps.boot([Failing, deadLetterReader(topic, dlq, opts)]);
    const bus = app.get(MessageBus);
    await Promise.all([1, 2, 3].map((id) => bus.publish(topic, { id }, { transport: 't' })));
    await until(target, () => dlq.length === 3, '3 dead letters', () => ({ runs, dlq: dlq.length }));
    await sleep(300);
    expect(dlq).toHaveLength(3);
    expect(dlq.map((d) => JSON.parse(d.body.toString()).id).sort()).toEqual([1, 2, 3]);
    for (const letter of dlq) {
      expect(letter.headers[DeadLetterHeaders.attempts]).toBe('3');
      expect(letter.headers[DeadLetterHeaders.errorMessage]).toBe('warehouse offline');
    }
    // Every message ran 3 times, each run with one attempt number for the whole batch.
    expect(runs.flatMap((r) => r.ids).sort()).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3]);
    for (const run of runs) expect(new Set(run.attempts).size).toBe(1);
  });
}
