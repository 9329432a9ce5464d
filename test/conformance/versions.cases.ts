import { Controller } from '@nestjs/common';
import { expect, it } from '@jest/globals';
import { DeadLetterHeaders, EventContract, MessageBus, Subscriber, upcast, type MessageContext } from '../../lib/index.js';
import { IsIn, IsInt } from 'class-validator';
import { deadLetterReader, type DeadLetter } from './failure.cases.js';
import { CaseApps, sleep, topicFor, until } from './harness.js';
import type { ConformanceTarget } from './target.js';

/** Contract versions: a v1 producer and a v2 consumer on one topic, with and without an upcaster. */
export function versionCases(target: ConformanceTarget, apps: CaseApps): void {
  const opts = target.subscribeOptions ?? {};

  const versionsOf = (topic: string) => {
    @EventContract(topic, { version: 'v1' })
    class SignupV1 {
      @IsInt() id!: number;
    }
    @EventContract(topic, { version: 'v2' })
    class SignupV2 {
      @IsInt() id!: number;
      @IsIn(['free', 'pro']) plan!: string;
    }
    return { SignupV1, SignupV2 };
  };

  const v2Consumer = (SignupV2: new () => object, seen: unknown[]) => {
    @Controller()
    class SignupsV2 {
      @Subscriber(SignupV2, { transport: 't', transportOptions: opts })
      handle(event: unknown, ctx: MessageContext) {
        seen.push({ event, arrivedAs: ctx.event.version });
      }
    }
    return SignupsV2;
  };

  it('contract versions: a v2 consumer gets a v1 producer\'s event upcast, and without an upcaster it is dead-lettered as unsupported-version', async () => {
    const { SignupV1, SignupV2 } = versionsOf(topicFor('versions.upcast'));
    const upcast1 = upcast(SignupV1, SignupV2, (v1) => ({ ...v1, plan: 'free' }));
    const seen: unknown[] = [];
    const dlq: DeadLetter[] = [];
    const withUpcaster = await apps.boot([v2Consumer(SignupV2, seen)], { upcasters: [upcast1] });
    await withUpcaster.get(MessageBus).publish(SignupV1, { id: 1 }, { transport: 't' });
    await until(target, () => seen.length === 1, 'the upcast event', () => seen);
    expect(seen).toEqual([{ event: { id: 1, plan: 'free' }, arrivedAs: 'v1' }]);
    await apps.close(withUpcaster);

    // A topic of its own, so nothing of the first half can be redelivered into the second.
    const topic = topicFor('versions.missing');
    const missing = versionsOf(topic);
    const without = await apps.boot([v2Consumer(missing.SignupV2, seen), deadLetterReader(topic, dlq, opts)]);
    await without.get(MessageBus).publish(missing.SignupV1, { id: 2 }, { transport: 't' });
    await until(target, () => dlq.length === 1, 'the dead letter', () => ({ seen, dlq }));
    await sleep(300);
    expect(seen).toHaveLength(1);
    expect(JSON.parse(dlq[0]!.body.toString('utf8'))).toEqual({ id: 2 });
    expect(dlq[0]!.headers).toMatchObject({ [DeadLetterHeaders.reason]: 'unsupported-version', [DeadLetterHeaders.attempts]: '1' });
  });
}
