import { describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Controller } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DeadLetterHeaders, MessageBus, Subscriber, type MessageContext } from '../../lib/index.js';
import { bootApp } from '../support/app-harness.js';
import { FAULT_TARGETS, type FaultBroker } from './fault-targets.js';
import { report, sleep, waitFor } from './figures.js';

/**
 * The dead-letter publish failing, on real brokers: the dead-letter transport is a second
 * private broker of the same kind, and it is down. A handler that always throws (no retries)
 * cannot have its message dead-lettered, so the original must stay unacked (redelivered,
 * never dropped) until the dead-letter broker is back; then exactly one dead letter is
 * written and the original is acked. The conformance suite checks the same with a publish
 * that fails on purpose (test/conformance/failure.cases.ts); here it is a broker that is gone.
 */
const DOWN_MS = 10_000;

const persistent = FAULT_TARGETS.filter((t) => t.persistent);

describe.each(persistent.map((t) => [t.name, t] as const))('%s: dead-letter broker down', (_name, target) => {
  const run = target.available() ? it : it.skip;

  run(`the original stays unacked while the dead-letter broker is down (${DOWN_MS / 1000} s), then exactly one dead letter`, async () => {
    const brokers: FaultBroker[] = [];
    let app: INestApplication | undefined;
    try {
      const main = await target.startBroker();
      brokers.push(main.broker);
      const dlqBroker = await target.startBroker(1);
      brokers.push(dlqBroker.broker);
      const topic = `faults.${randomUUID().slice(0, 8)}.dlqdown`;
      const options = target.subscribeOptions ?? {};
      let deliveries = 0;
      const deadLetters: MessageContext['message'][] = [];

      @Controller()
      class Broken {
        @Subscriber(topic, { transport: 't', group: 'broken', retry: false, deadLetter: { transport: 'dlq' }, transportOptions: options })
        handle() {
          deliveries++;
          throw new Error('broken for good');
        }
      }
      @Controller()
      class DeadLetterReader {
        @Subscriber(`${topic}.dlq`, { transport: 'dlq', group: 'reader', retry: false, deadLetter: false, transportOptions: options })
        handle(_: unknown, ctx: MessageContext) {
          deadLetters.push(ctx.message);
        }
      }

      app = await bootApp({ transports: { t: target.create(main.address), dlq: target.create(dlqBroker.address) } }, [Broken, DeadLetterReader]);
      await sleep(1500); // groups joined, durables and queues made, on both brokers
      await dlqBroker.broker.down();
      await app.get(MessageBus).publish(topic, { id: 1 }, { transport: 't' });
      await waitFor(() => deliveries >= 1, 60_000);
      await sleep(DOWN_MS);
      const deliveriesWhileDown = deliveries;
      const deadLettersWhileDown = deadLetters.length;

      await dlqBroker.broker.up();
      const upAt = Date.now();
      await waitFor(() => deadLetters.length >= 1, 120_000).catch(() => undefined);
      const toDeadLetter = (Date.now() - upAt) / 1000;
      const deliveriesAtDeadLetter = deliveries;
      await sleep(1500);
      report(target.name, 'dead-letter-down', {
        'down s': DOWN_MS / 1000,
        deliveriesWhileDown,
        redeliveriesWhileDown: deliveriesWhileDown - 1,
        deadLettersWhileDown,
        's to dead letter after up': deadLetters.length > 0 ? toDeadLetter.toFixed(1) : 'never',
        deadLetters: deadLetters.length,
        'deliveries after dead letter': deliveries - deliveriesAtDeadLetter,
      });

      expect(deadLettersWhileDown).toBe(0);
      expect(deliveriesWhileDown).toBeGreaterThanOrEqual(1); // handled and failed, but neither acked nor dead-lettered
      expect(deadLetters).toHaveLength(1);
      const [letter] = deadLetters;
      expect(letter!.headers[DeadLetterHeaders.originalTopic]).toBe(topic);
      expect(letter!.headers[DeadLetterHeaders.errorMessage]).toBe('broken for good');
      expect(letter!.headers[DeadLetterHeaders.reason]).toBeDefined();
      expect(JSON.parse(letter!.body.toString())).toEqual({ id: 1 });
      expect(deliveries).toBe(deliveriesAtDeadLetter); // acked once dead-lettered: not delivered again
    } finally {
      await app?.close().catch(() => undefined);
      await Promise.allSettled(brokers.map((b) => b.destroy()));
    }
  }, 300_000);
});
