import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Controller, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ctx, Payload } from '@nestjs/microservices';
import { DeadLetters, MessageBus, MessageContext, NestreamModule, ReplayHeaders, Subscriber, type DeadLetter, type Transport } from '../../lib/index.js';
import { eventually, sleep } from '../support/poll.js';

export interface ReplayScenario {
  /** Name in messages and topics: `memory`, `redis-streams`, ... */
  readonly broker: string;
  readonly transport: () => Transport;
  /** Subscriber transportOptions both handlers take (e.g. Kafka's fromBeginning). */
  readonly subscriberOptions?: Record<string, unknown>;
  /** How long a handled message may take to show up (a Kafka group join takes seconds). */
  readonly waitMs?: number;
}

interface Handled {
  readonly id: number;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The dead-letter operations every broker must pass (issue #24): 20 messages dead-lettered by
 * two failing handlers into one dead-letter topic; one handler fixed; its 10 replayed by a
 * handler filter are handled once each with their headers and correlation ids, the other 10
 * stay; a replay of a still-failing one comes back with `x-replay-count` 1.
 */
export function describeDeadLetterReplay(scenario: ReplayScenario): void {
  const prefix = `dlq-${scenario.broker}-${randomUUID().slice(0, 8)}`;
  const topicA = `${prefix}.a`;
  const topicB = `${prefix}.b`;
  const dlq = `${prefix}.dlq`;
  const waitMs = scenario.waitMs ?? 10_000;
  const state = { aFixed: false, handledA: [] as Handled[], failuresB: 0 };

  @Controller()
  class Handlers {
    @Subscriber(topicA, { deadLetter: { topic: dlq }, transportOptions: scenario.subscriberOptions })
    a(@Payload() payload: { n: number }, @Ctx() ctx: MessageContext) {
      if (!state.aFixed) throw new Error(`a cannot take ${payload.n} yet`);
      state.handledA.push({ id: payload.n, headers: { ...ctx.headers } });
    }

    @Subscriber(topicB, { deadLetter: { topic: dlq }, transportOptions: scenario.subscriberOptions })
    b(@Payload() payload: { n: number }) {
      state.failuresB++;
      throw new Error(`b still cannot take ${payload.n}`);
    }
  }

  let app: INestApplication;
  let deadLetters: DeadLetters;
  const all = () => deadLetters.list({ topic: dlq, limit: 1_000 });
  const waitForLetters = async (what: string, predicate: (letters: DeadLetter[]) => boolean) => {
    let letters: DeadLetter[] = [];
    await eventually(what, async () => predicate((letters = await all())), waitMs);
    return letters;
  };

  describe(`dead letters on ${scenario.broker}`, () => {
    beforeAll(async () => {
      @Module({
        imports: [NestreamModule.forRoot({ serviceName: prefix, transports: { main: scenario.transport() }, retry: { attempts: 1 } })],
        providers: [Handlers],
      })
      class AppModule {}
      const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
      app = moduleRef.createNestApplication({ logger: false });
      await app.init();
      deadLetters = app.get(DeadLetters);
      const bus = app.get(MessageBus);
      for (let n = 0; n < 10; n++) {
        await bus.publish(topicA, { n }, { messageId: `a-${n}`, headers: { correlation_id: `corr-a-${n}`, 'x-tenant': 't1' } });
        await bus.publish(topicB, { n }, { messageId: `b-${n}`, headers: { correlation_id: `corr-b-${n}` } });
      }
    });

    afterAll(async () => {
      await app?.close();
    });

    it('lists the 20 dead letters without consuming them, with reason, handler, attempts, error and age', async () => {
      const letters = await waitForLetters('20 dead letters', (found) => found.length === 20);
      const first = letters.find((letter) => letter.eventId === 'a-0')!;
      expect(first).toMatchObject({
        topic: dlq,
        transport: 'main',
        originalTopic: topicA,
        originalTransport: 'main',
        handler: 'Handlers.a',
        reason: 'handler-failed',
        attempts: 1,
        error: { name: 'Error', message: 'a cannot take 0 yet' },
        correlationId: 'corr-a-0',
        replayCount: 0,
      });
      expect(first.ageMs).toBeGreaterThanOrEqual(0);
      expect(first.lastFailureAt).toBeInstanceOf(Date);
      // Read again: listing consumed nothing.
      expect(await all()).toHaveLength(20);
      expect(await deadLetters.list({ topic: dlq, handler: 'Handlers.b', limit: 1_000 })).toHaveLength(10);
      expect(await deadLetters.list({ topic: dlq, reason: 'validation-failed' })).toEqual([]);
      expect(await deadLetters.list({ topic: dlq, since: new Date(Date.now() + 60_000) })).toEqual([]);
      const [peeked] = await deadLetters.peek({ topic: dlq, handler: 'Handlers.a' });
      expect(JSON.parse(peeked!.bodyText!)).toEqual({ n: expect.any(Number) });
      expect(peeked!.headers['x-dlq-error-stack']).toContain('cannot take');
    });

    it('a dry run reports what it would replay and moves nothing', async () => {
      const report = await deadLetters.replay({ topic: dlq, handler: 'Handlers.a', limit: 10, dryRun: true });
      expect(report.replayed).toHaveLength(10);
      expect(report.replayed.every((r) => r.toTopic === topicA && r.toTransport === 'main')).toBe(true);
      expect(await all()).toHaveLength(20);
    });

    it('replays the fixed handler’s 10 by handler filter: each handled once with its headers, the other 10 left', async () => {
      state.aFixed = true;
      const report = await deadLetters.replay({ topic: dlq, handler: 'Handlers.a', limit: 10, ratePerSec: 500 });
      expect(report.failed).toEqual([]);
      expect(report.replayed).toHaveLength(10);
      await eventually('the 10 replayed messages handled', async () => state.handledA.length >= 10, waitMs);
      await sleep(500);
      expect(state.handledA.map((h) => h.id).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      for (const { id, headers } of state.handledA) {
        expect(headers).toMatchObject({
          correlation_id: `corr-a-${id}`,
          message_id: `a-${id}`,
          'x-tenant': 't1',
          [ReplayHeaders.replayedFrom]: `main:${dlq}`,
          [ReplayHeaders.replayCount]: '1',
        });
        expect(headers['x-dlq-reason']).toBeUndefined();
      }
      const left = await waitForLetters('10 dead letters left', (found) => found.length === 10);
      expect(left.every((letter) => letter.handler === 'Handlers.b')).toBe(true);
    });

    it('a replayed message that fails again comes back with x-replay-count 1, and maxReplays stops it', async () => {
      const failuresBefore = state.failuresB;
      const report = await deadLetters.replay({ topic: dlq, handler: 'Handlers.b', limit: 1 });
      expect(report.replayed).toHaveLength(1);
      const eventId = report.replayed[0]!.letter.eventId;
      const letters = await waitForLetters('the replayed letter back', (found) => found.some((letter) => letter.eventId === eventId && letter.replayCount === 1));
      expect(letters).toHaveLength(10);
      expect(state.failuresB).toBe(failuresBefore + 1);
      const back = letters.find((letter) => letter.eventId === eventId)!;
      expect(back).toMatchObject({ handler: 'Handlers.b', correlationId: eventId!.replace('b-', 'corr-b-'), replayCount: 1 });

      const capped = await deadLetters.replay({ topic: dlq, handler: 'Handlers.b', limit: 10, maxReplays: 1, dryRun: true });
      expect(capped.skipped.map((letter) => letter.eventId)).toEqual([eventId]);
      expect(capped.replayed).toHaveLength(9);
    });

    it('refuses bad input with a clear error', async () => {
      await expect(deadLetters.replay({ topic: dlq, limit: 0 })).rejects.toThrow('limit must be a positive integer');
      await expect(deadLetters.list({ topic: '' })).rejects.toThrow('topic (the dead-letter topic) is required');
      await expect(deadLetters.list({ topic: dlq, transport: 'nope' })).rejects.toThrow("Unknown transport 'nope'");
    });
  });
}
