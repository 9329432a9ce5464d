import { Controller } from '@nestjs/common';
import { expect, it } from '@jest/globals';
import { DeadLetterHeaders, Headers, MessageBus, NonRetryableError, Subscriber, type MessageContext } from '../../lib/index.js';
import { CaseApps, FaultyPublishTransport, itIf, sleep, topicFor, until } from './harness.js';
import type { ConformanceTarget } from './target.js';

export interface DeadLetter {
  headers: Record<string, string>;
  body: Buffer;
}

/** A handler class that records what arrives on `<topic>.dlq`. */
export function deadLetterReader(topic: string, into: DeadLetter[], opts: Record<string, unknown>) {
  @Controller()
  class DeadLetterReader {
    @Subscriber(`${topic}.dlq`, { transport: 't', retry: false, deadLetter: false, decode: false, transportOptions: opts })
    handle(_: unknown, ctx: MessageContext) {
      into.push({ headers: ctx.message.headers, body: ctx.message.body });
    }
  }
  return DeadLetterReader;
}

/** Failure: retry, dead letters, idempotency, bad input. */
export function failureCases(target: ConformanceTarget, apps: CaseApps): void {
  const caps = target.create().capabilities;
  const opts = target.subscribeOptions ?? {};

  it('runs a handler that throws twice then succeeds 3 times, and acks it', async () => {
    const topic = topicFor('retry');
    const runs: number[] = [];
    const dlq: DeadLetter[] = [];
    @Controller()
    class Flaky {
      @Subscriber(topic, { transport: 't', transportOptions: opts })
      handle(_: unknown, ctx: MessageContext) {
        runs.push(ctx.attempt);
        if (runs.length < 3) throw new Error('transient');
      }
    }
    const app = await apps.boot([Flaky, deadLetterReader(topic, dlq, opts)]);
    await app.get(MessageBus).publish(topic, { id: 1 }, { transport: 't' });
    await until(target, () => runs.length === 3, '3 runs', () => runs);
    await sleep(500); // an unacked message would come back meanwhile
    expect(runs).toEqual([1, 2, 3]);
    expect(dlq).toHaveLength(0);
  });

  it('dead-letters a message that always fails exactly once, with every error header, after N attempts', async () => {
    const topic = topicFor('poison');
    let runs = 0;
    const dlq: DeadLetter[] = [];
    @Controller()
    class Poison {
      @Subscriber(topic, { transport: 't', group: 'poison-group', transportOptions: opts })
      handle() {
        runs++;
        throw new RangeError('always broken');
      }
    }
    const app = await apps.boot([Poison, deadLetterReader(topic, dlq, opts)]);
    await app.get(MessageBus).publish(topic, { id: 2 }, { transport: 't', headers: { [Headers.correlationId]: 'poison-corr', 'x-mine': 'kept' } });
    await until(target, () => dlq.length >= 1, 'the dead letter', () => ({ runs }));
    await sleep(500);
    expect(runs).toBe(3);
    expect(dlq).toHaveLength(1);
    const { headers, body } = dlq[0]!;
    expect(JSON.parse(body.toString('utf8'))).toEqual({ id: 2 });
    expect(headers).toMatchObject({
      'x-mine': 'kept',
      [Headers.correlationId]: 'poison-corr',
      [DeadLetterHeaders.reason]: 'handler-failed',
      [DeadLetterHeaders.errorName]: 'RangeError',
      [DeadLetterHeaders.errorMessage]: 'always broken',
      [DeadLetterHeaders.originalTopic]: topic,
      [DeadLetterHeaders.originalTransport]: 't',
      [DeadLetterHeaders.handler]: 'Poison.handle',
      [DeadLetterHeaders.consumerGroup]: 'poison-group',
      [DeadLetterHeaders.attempts]: '3',
    });
    for (const name of [DeadLetterHeaders.errorStack, DeadLetterHeaders.firstFailureAt, DeadLetterHeaders.lastFailureAt]) expect(headers[name]).toBeTruthy();
  });

  it('dead-letters a non-retryable error after 1 attempt', async () => {
    const topic = topicFor('fatal');
    let runs = 0;
    const dlq: DeadLetter[] = [];
    @Controller()
    class Fatal {
      @Subscriber(topic, { transport: 't', transportOptions: opts })
      handle() {
        runs++;
        throw new NonRetryableError('cannot ever work');
      }
    }
    const app = await apps.boot([Fatal, deadLetterReader(topic, dlq, opts)]);
    await app.get(MessageBus).publish(topic, { id: 3 }, { transport: 't' });
    await until(target, () => dlq.length >= 1, 'the dead letter');
    await sleep(300);
    expect(runs).toBe(1);
    expect(dlq).toHaveLength(1);
    expect(dlq[0]!.headers[DeadLetterHeaders.attempts]).toBe('1');
  });

  itIf(!caps.lossy, 'leaves the original unacked when the dead-letter publish fails, and it is redelivered', async () => {
    const topic = topicFor('dlqdown');
    let runs = 0;
    const dlq: DeadLetter[] = [];
    @Controller()
    class Broken {
      @Subscriber(topic, { transport: 't', retry: false, deadLetter: { transport: 'dlq' }, transportOptions: opts })
      handle() {
        runs++;
        throw new Error('broken');
      }
    }
    @Controller()
    class DlqReader {
      @Subscriber(`${topic}.dlq`, { transport: 'dlq', retry: false, deadLetter: false, transportOptions: opts })
      handle(_: unknown, ctx: MessageContext) {
        dlq.push({ headers: ctx.message.headers, body: ctx.message.body });
      }
    }
    const faulty = new FaultyPublishTransport(target.create());
    faulty.failing = true;
    const app = await apps.boot([Broken, DlqReader], { transports: { t: target.create(), dlq: faulty } });
    await app.get(MessageBus).publish(topic, { id: 4 }, { transport: 't' });
    await until(target, () => runs >= 2, 'a redelivery while the dead letter cannot be written', () => runs);
    expect(dlq).toHaveLength(0);
    faulty.failing = false;
    await until(target, () => dlq.length === 1, 'the dead letter once it can be written');
    const runsAtDeadLetter = runs;
    await sleep(1_500);
    expect(dlq).toHaveLength(1);
    expect(runs).toBe(runsAtDeadLetter); // acked after the dead letter: not delivered again
  });

  it('gives a message redelivered with the same idempotency key one side effect', async () => {
    const topic = topicFor('idem');
    const effects: string[] = [];
    @Controller()
    class Payments {
      @Subscriber(topic, { transport: 't', idempotent: true, transportOptions: opts })
      handle(payload: { ref: string }) {
        effects.push(payload.ref);
      }
    }
    const app = await apps.boot([Payments]);
    const bus = app.get(MessageBus);
    await bus.publish(topic, { ref: 'first' }, { transport: 't', idempotencyKey: 'payment-1' });
    await until(target, () => effects.length === 1, 'the first copy');
    await bus.publish(topic, { ref: 'duplicate' }, { transport: 't', idempotencyKey: 'payment-1' });
    await bus.publish(topic, { ref: 'other' }, { transport: 't', idempotencyKey: 'payment-2' });
    await until(target, () => effects.length === 2, 'the other message');
    await sleep(300);
    expect(effects).toEqual(['first', 'other']);
  });

  it('dead-letters bad bodies (invalid JSON, prototype-pollution keys, oversize) and goes on consuming', async () => {
    const topic = topicFor('bad');
    const good: unknown[] = [];
    const dlq: DeadLetter[] = [];
    @Controller()
    class Reader {
      @Subscriber(topic, { transport: 't', transportOptions: opts })
      handle(payload: unknown) {
        good.push(payload);
      }
    }
    const app = await apps.boot([Reader], { maxBodyBytes: 2_000 });
    await apps.boot([deadLetterReader(topic, dlq, opts)]); // default limit: it can read the oversize copy
    const transport = target.create(); // a plain producer, as a foreign service would be
    await transport.connect();
    const json = { 'content-type': 'application/json' };
    await transport.publish({ topic, body: Buffer.from('{"broken":'), headers: { ...json } });
    await transport.publish({ topic, body: Buffer.from('{"a":{"__proto__":{"admin":true}}}'), headers: { ...json } });
    await transport.publish({ topic, body: Buffer.from(JSON.stringify({ pad: 'x'.repeat(3_000) })), headers: { ...json } });
    await app.get(MessageBus).publish(topic, { fine: true }, { transport: 't' });
    await until(target, () => dlq.length === 3 && good.length === 1, '3 dead letters and the good message', () => ({ dlq: dlq.length, good: good.length }));
    expect(dlq.map((d) => d.headers[DeadLetterHeaders.reason]).sort()).toEqual(['forbidden-key', 'invalid-json', 'too-large']);
    expect(good).toEqual([{ fine: true }]);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    await transport.close();
  });
}
