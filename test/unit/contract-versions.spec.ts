import 'reflect-metadata';
import { Controller, type INestApplication } from '@nestjs/common';
import { afterEach, describe, expect, it } from '@jest/globals';
import { DeadLetterHeaders, downcast, Headers, MessageBus, Subscriber, upcast, type MessageContext } from '../../lib/index.js';
import { bootApp, eventually } from '../support/app-harness.js';
import { UserCreatedV1, UserCreatedV2, UserCreatedV3, v1ToV2, v2ToV3 } from '../support/versioned-contracts.js';

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

interface Seen {
  event: unknown;
  arrivedAs?: string;
}

function consumerOf(Contract: typeof UserCreatedV1 | typeof UserCreatedV2 | typeof UserCreatedV3, seen: Seen[], group: string) {
  @Controller()
  class Consumer {
    @Subscriber(Contract, { group, retry: { attempts: 3, backoff: { initialMs: 1, jitter: 0 } } })
    handle(event: unknown, ctx: MessageContext) {
      seen.push({ event, arrivedAs: ctx.event.version });
    }
  }
  return Consumer;
}

function deadLetters(into: Record<string, string>[]) {
  @Controller()
  class DeadLetters {
    @Subscriber('user.created.dlq', { decode: false, deadLetter: false })
    handle(_: unknown, ctx: MessageContext) {
      into.push(ctx.message.headers);
    }
  }
  return DeadLetters;
}

describe('contract versions', () => {
  it('upcasts a v1 message for a v2 subscriber, which sees a validated v2 event (ctx.event.version: as it arrived)', async () => {
    const seen: Seen[] = [];
    app = await bootApp({ upcasters: [v1ToV2] }, [consumerOf(UserCreatedV2, seen, 'g')]);
    await app.get(MessageBus).publish(UserCreatedV1, { userId: 1, email: 'a@b.c' });
    await eventually(() => seen.length === 1, 'the upcast event');
    expect(seen[0]!.event).toBeInstanceOf(UserCreatedV2);
    expect(seen[0]).toEqual({ event: { userId: 1, email: 'a@b.c', tier: 'free' }, arrivedAs: 'v1' });
  });

  it('chains upcasters v1 → v2 → v3, and takes a message with no version header as the oldest declared version', async () => {
    const seen: Seen[] = [];
    const dlq: Record<string, string>[] = [];
    app = await bootApp({ upcasters: [v2ToV3, v1ToV2] }, [consumerOf(UserCreatedV3, seen, 'g'), deadLetters(dlq)]);
    const bus = app.get(MessageBus);
    await bus.publish(UserCreatedV1, { userId: 1, email: 'a@b.c' });
    await bus.publish(UserCreatedV2, { userId: 2, email: 'a@b.c', tier: 'pro' });
    await bus.publish('user.created', { userId: 3, email: 'a@b.c' }); // no x-event-version: v1
    await bus.publish(UserCreatedV3, { userId: 4, email: 'a@b.c', tier: 'team', region: 'eu' });
    await eventually(() => seen.length === 4, 'four events');
    expect(seen).toEqual([
      { event: { userId: 1, email: 'a@b.c', tier: 'free' }, arrivedAs: 'v1' },
      { event: { userId: 2, email: 'a@b.c', tier: 'pro' }, arrivedAs: 'v2' },
      { event: { userId: 3, email: 'a@b.c', tier: 'free' }, arrivedAs: undefined },
      { event: { userId: 4, email: 'a@b.c', tier: 'team', region: 'eu' }, arrivedAs: 'v3' },
    ]);
    expect(dlq).toEqual([]);
  });

  it('dead-letters a version with no upcaster path as unsupported-version, unretried (older without an upcaster, or newer)', async () => {
    const seen: Seen[] = [];
    const dlq: Record<string, string>[] = [];
    app = await bootApp({}, [consumerOf(UserCreatedV2, seen, 'g'), deadLetters(dlq)]);
    const bus = app.get(MessageBus);
    await bus.publish(UserCreatedV1, { userId: 1, email: 'a@b.c' });
    await bus.publish(UserCreatedV3, { userId: 3, email: 'a@b.c', tier: 'team' });
    await eventually(() => dlq.length === 2, 'two dead letters');
    expect(seen).toEqual([]);
    expect(dlq.map((h) => [h[Headers.eventVersion], h[DeadLetterHeaders.reason], h[DeadLetterHeaders.attempts]])).toEqual([
      ['v1', 'unsupported-version', '1'],
      ['v3', 'unsupported-version', '1'],
    ]);
    expect(dlq[0]![DeadLetterHeaders.errorMessage]).toBe('Consumer.handle takes user.created v2, and no upcaster leads from v1 to it (declared versions: v2)');
  });

  it('an upcast result that the newer contract rejects is dead-lettered as validation-failed', async () => {
    const dlq: Record<string, string>[] = [];
    const seen: Seen[] = [];
    const broken = upcast(UserCreatedV1, UserCreatedV2, (v1) => ({ ...v1, tier: 'gold' }));
    app = await bootApp({ upcasters: [broken] }, [consumerOf(UserCreatedV2, seen, 'g'), deadLetters(dlq)]);
    await app.get(MessageBus).publish(UserCreatedV1, { userId: 1, email: 'a@b.c' });
    await eventually(() => dlq.length === 1, 'the dead letter');
    expect(dlq[0]![DeadLetterHeaders.reason]).toBe('validation-failed');
    expect(seen).toEqual([]);
  });

  it('a downcasting producer sends v2 and a v1 copy; each consumer handles exactly one of them', async () => {
    const v1Seen: Seen[] = [];
    const v2Seen: Seen[] = [];
    const toV1 = downcast(UserCreatedV2, UserCreatedV1, ({ userId, email }) => ({ userId, email }));
    app = await bootApp({ downcasters: [toV1], upcasters: [v1ToV2] }, [consumerOf(UserCreatedV1, v1Seen, 'old'), consumerOf(UserCreatedV2, v2Seen, 'new')]);
    await app.get(MessageBus).publish(UserCreatedV2, { userId: 7, email: 'a@b.c', tier: 'pro' }, { idempotencyKey: 'user-7' });
    await eventually(() => v1Seen.length === 1 && v2Seen.length === 1, 'one event per consumer');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(v1Seen).toEqual([{ event: { userId: 7, email: 'a@b.c' }, arrivedAs: 'v1' }]);
    expect(v2Seen).toEqual([{ event: { userId: 7, email: 'a@b.c', tier: 'pro' }, arrivedAs: 'v2' }]);
  });

  it('declarations that cannot work fail where they are written', () => {
    expect(() => upcast(UserCreatedV2, UserCreatedV1, (v2) => v2)).toThrow('upcast(UserCreatedV2, UserCreatedV1): upcast goes from an older version to a newer one; got user.created@v2 → user.created@v1');
    expect(() => downcast(UserCreatedV1, UserCreatedV2, (v1) => ({ ...v1, tier: 'free' }))).toThrow('downcast goes from a newer version to an older one');
  });
});

describe('contract versions in metrics', () => {
  it('counts versioned events received and published by version, as sent', async () => {
    const { Registry } = await import('prom-client');
    const registry = new Registry();
    const seen: Seen[] = [];
    app = await bootApp({ upcasters: [v1ToV2], metrics: { registry } }, [consumerOf(UserCreatedV2, seen, 'g')]);
    await app.get(MessageBus).publish(UserCreatedV1, { userId: 1, email: 'a@b.c' });
    await eventually(() => seen.length === 1, 'the event');
    const text = await registry.metrics();
    expect(text).toContain('nestream_event_versions_total{transport="memory",topic="user.created",operation="send",version="v1"} 1');
    expect(text).toContain('nestream_event_versions_total{transport="memory",topic="user.created",operation="receive",version="v1"} 1');
  });
});
