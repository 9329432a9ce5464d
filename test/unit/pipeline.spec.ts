import 'reflect-metadata';
import { Controller, type INestApplication } from '@nestjs/common';
import { IsEmail, IsInt } from 'class-validator';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  AckMessage,
  DeadLetterHeaders,
  EventContract,
  Headers,
  MemoryTransport,
  MessageBus,
  MessageContext,
  NonRetryableError,
  RejectMessage,
  Subscriber,
  type OutboundMessage,
} from '../../lib/index.js';
import { bootApp, eventually } from '../support/app-harness.js';

@EventContract('signup')
class Signup {
  @IsInt() userId!: number;
  @IsEmail() email!: string;
}

const fast = { attempts: 3, backoff: { initialMs: 1, factor: 1, maxMs: 1, jitter: 0 } };
let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** Collects what arrives on a dead-letter topic. */
function deadLetters(transport: MemoryTransport, topic: string): { headers: Record<string, string>; body: Buffer }[] {
  const got: { headers: Record<string, string>; body: Buffer }[] = [];
  void transport.subscribe({
    topic,
    group: 'dlq-reader',
    concurrency: 1,
    options: {},
    handler: async (delivery) => {
      got.push({ headers: delivery.message.headers, body: delivery.message.body });
      await delivery.ack();
    },
  });
  return got;
}

describe('consume chain', () => {
  it('retries a handler that throws twice, then acks: 3 runs, attempt header 3', async () => {
    const attempts: string[] = [];
    @Controller()
    class Flaky {
      @Subscriber('flaky', { retry: fast })
      handle(_: unknown, ctx: MessageContext) {
        attempts.push(ctx.headers[Headers.attempt]!);
        if (attempts.length < 3) throw new Error('transient');
      }
    }
    const memory = new MemoryTransport();
    app = await bootApp({ transports: { memory } }, [Flaky]);
    const dlq = deadLetters(memory, 'flaky.dlq');
    await app.get(MessageBus).publish('flaky', { n: 1 });
    await eventually(() => attempts.length === 3 && memory.isIdle(), 'three runs and an ack');
    expect(attempts).toEqual(['1', '2', '3']);
    expect(memory.outstanding).toBe(0);
    expect(dlq).toHaveLength(0);
  });

  it('dead-letters a message that always fails, once, with every error header, after N attempts', async () => {
    let runs = 0;
    @Controller()
    class Broken {
      @Subscriber('orders', { retry: fast, group: 'billing' })
      handle() {
        runs++;
        throw new TypeError('boom');
      }
    }
    const memory = new MemoryTransport();
    app = await bootApp({ transports: { memory } }, [Broken]);
    const dlq = deadLetters(memory, 'orders.dlq');
    await app.get(MessageBus).publish('orders', { id: 9 }, { headers: { [Headers.correlationId]: 'c-9', custom: 'kept' } });
    await eventually(() => dlq.length === 1 && memory.isIdle(), 'one dead letter');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs).toBe(3);
    expect(dlq).toHaveLength(1);
    const { headers, body } = dlq[0]!;
    expect(JSON.parse(body.toString())).toEqual({ id: 9 });
    expect(headers).toMatchObject({
      custom: 'kept',
      [Headers.correlationId]: 'c-9',
      [DeadLetterHeaders.reason]: 'handler-failed',
      [DeadLetterHeaders.errorName]: 'TypeError',
      [DeadLetterHeaders.errorMessage]: 'boom',
      [DeadLetterHeaders.originalTopic]: 'orders',
      [DeadLetterHeaders.originalTransport]: 'memory',
      [DeadLetterHeaders.handler]: 'Broken.handle',
      [DeadLetterHeaders.consumerGroup]: 'billing',
      [DeadLetterHeaders.attempts]: '3',
    });
    expect(headers[DeadLetterHeaders.errorStack]).toContain('TypeError: boom');
    expect(Date.parse(headers[DeadLetterHeaders.firstFailureAt]!)).toBeLessThanOrEqual(Date.parse(headers[DeadLetterHeaders.lastFailureAt]!));
  });

  it('dead-letters a validation failure after one attempt, with the validation errors', async () => {
    let runs = 0;
    @Controller()
    class Strict {
      @Subscriber(Signup, { retry: fast })
      handle() {
        runs++;
      }
    }
    const memory = new MemoryTransport();
    app = await bootApp({ transports: { memory } }, [Strict]);
    const dlq = deadLetters(memory, 'signup.dlq');
    await app.get(MessageBus).publish('signup', { userId: 1, email: 'not-an-email', extra: 1 });
    await eventually(() => dlq.length === 1, 'the dead letter');
    expect(runs).toBe(0);
    const { headers } = dlq[0]!;
    expect(headers[DeadLetterHeaders.reason]).toBe('validation-failed');
    expect(headers[DeadLetterHeaders.attempts]).toBe('1');
    const issues = JSON.parse(headers[DeadLetterHeaders.validationErrors]!) as { property: string }[];
    expect(issues.map((i) => i.property).sort()).toEqual(['email', 'extra']);
  });

  it('does not retry NonRetryableError or declared error classes', async () => {
    class BusinessRule extends Error {}
    const runs: string[] = [];
    @Controller()
    class Rules {
      @Subscriber('a', { retry: fast })
      a() {
        runs.push('a');
        throw new NonRetryableError('no');
      }
      @Subscriber('b', { retry: fast, nonRetryable: [BusinessRule] })
      b() {
        runs.push('b');
        throw new BusinessRule('no');
      }
    }
    const memory = new MemoryTransport();
    app = await bootApp({ transports: { memory } }, [Rules]);
    const dlqA = deadLetters(memory, 'a.dlq');
    const dlqB = deadLetters(memory, 'b.dlq');
    await app.get(MessageBus).publish('a', {});
    await app.get(MessageBus).publish('b', {});
    await eventually(() => dlqA.length === 1 && dlqB.length === 1, 'both dead letters');
    expect(runs.sort()).toEqual(['a', 'b']);
  });

  it('leaves the original unacked and redelivers it when the dead-letter publish fails', async () => {
    let runs = 0;
    @Controller()
    class Broken {
      @Subscriber('jobs', { retry: false, deadLetter: { transport: 'dlq' } })
      handle() {
        runs++;
        throw new Error('always');
      }
    }
    const memory = new MemoryTransport();
    const dlqTransport = new MemoryTransport();
    app = await bootApp({ transports: { memory, dlq: dlqTransport } }, [Broken]);
    const publish = dlqTransport.publish.bind(dlqTransport);
    dlqTransport.publish = async () => {
      throw new Error('dead-letter broker down');
    };
    await app.get(MessageBus).publish('jobs', { id: 1 });
    await eventually(() => runs === 2, 'the redelivery', 3_000);
    expect(memory.outstanding).toBe(1);
    dlqTransport.publish = publish; // back up: the next failure is dead-lettered and acked
    const dlq = deadLetters(dlqTransport, 'jobs.dlq');
    await eventually(() => dlq.length === 1 && memory.isIdle(), 'the dead letter after recovery', 3_000);
    expect(memory.outstanding).toBe(0);
  });

  it('runs the side effect once for a message delivered twice with the same idempotency key', async () => {
    const effects: number[] = [];
    @Controller()
    class Charge {
      @Subscriber('payments', { idempotent: true })
      handle(payload: { amount: number }) {
        effects.push(payload.amount);
      }
    }
    const memory = new MemoryTransport();
    app = await bootApp({ transports: { memory } }, [Charge]);
    const bus = app.get(MessageBus);
    await bus.publish('payments', { amount: 5 }, { idempotencyKey: 'pay-1' });
    await bus.publish('payments', { amount: 5 }, { idempotencyKey: 'pay-1' });
    await bus.publish('payments', { amount: 7 }, { idempotencyKey: 'pay-2' });
    await eventually(() => memory.isIdle() && effects.length >= 2, 'all handled');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(effects).toEqual([5, 7]);
  });

  it('honours ack policies and settle signals', async () => {
    const memory = new MemoryTransport();
    const order: string[] = [];
    @Controller()
    class Policies {
      @Subscriber('manual', { ack: 'manual' })
      async manual(_: unknown, ctx: MessageContext) {
        order.push('manual');
        await ctx.ack();
      }
      @Subscriber('signal', { retry: fast })
      signal() {
        order.push('signal');
        throw new AckMessage();
      }
      @Subscriber('reject', { retry: fast })
      reject() {
        order.push('reject');
        throw new RejectMessage();
      }
    }
    app = await bootApp({ transports: { memory } }, [Policies]);
    const dlq = deadLetters(memory, 'reject.dlq');
    const bus = app.get(MessageBus);
    await bus.publish('manual', {});
    await bus.publish('signal', {});
    await bus.publish('reject', {});
    await eventually(() => order.length === 3 && memory.isIdle(), 'all settled');
    expect(order.sort()).toEqual(['manual', 'reject', 'signal']); // each ran once: signals are not retried
    expect(dlq).toHaveLength(0); // a RejectMessage is the handler's explicit decision, not a failure
  });

  describe('bad input goes to the dead letter and the consumer goes on', () => {
    const cases: [string, OutboundMessage['headers'], Buffer, string][] = [
      ['invalid JSON', { 'content-type': 'application/json' }, Buffer.from('{"a":'), 'invalid-json'],
      ['a __proto__ key', { 'content-type': 'application/json' }, Buffer.from('{"a":{"__proto__":{"polluted":true}}}'), 'forbidden-key'],
      ['a constructor key', { 'content-type': 'application/json' }, Buffer.from('[{"constructor":{"prototype":1}}]'), 'forbidden-key'],
      ['a __proto__ key spelled with escapes', { 'content-type': 'application/json' }, Buffer.from('{"a":{"\\u005f_pr\\u006fto__":{"polluted":true}}}'), 'forbidden-key'],
      ['an oversize body', { 'content-type': 'application/json' }, Buffer.from(JSON.stringify({ s: 'x'.repeat(2_000) })), 'too-large'],
      ['undecodable UTF-8', { 'content-type': 'text/plain' }, Buffer.from([0xff, 0xfe, 0xfd]), 'undecodable'],
    ];
    it.each(cases)('%s', async (_name, headers, body, reason) => {
      const handled: unknown[] = [];
      @Controller()
      class Reader {
        @Subscriber('input')
        handle(payload: unknown) {
          handled.push(payload);
        }
      }
      const memory = new MemoryTransport();
      app = await bootApp({ transports: { memory }, maxBodyBytes: 1_000 }, [Reader]);
      const dlq = deadLetters(memory, 'input.dlq');
      await memory.publish({ topic: 'input', body, headers });
      await app.get(MessageBus).publish('input', { ok: true });
      await eventually(() => dlq.length === 1 && handled.length === 1, 'the dead letter and the good message');
      expect(dlq[0]!.headers[DeadLetterHeaders.reason]).toBe(reason);
      expect(dlq[0]!.body.equals(body)).toBe(true);
      expect(handled).toEqual([{ ok: true }]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });
});
