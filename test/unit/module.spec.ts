import 'reflect-metadata';
import { Controller, Injectable, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { IsEmail, IsInt } from 'class-validator';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import {
  EventContract,
  EventPublisher,
  Headers,
  InjectPublisher,
  MemoryTransport,
  MessageBus,
  MessageContext,
  Publisher,
  Subscriber,
} from '../../lib/index.js';
import { bootApp, eventually } from '../support/app-harness.js';

@EventContract('user.created', { version: 'v1' })
class UserCreated {
  @IsInt() userId!: number;
  @IsEmail() email!: string;
}

const seen: { payload: unknown; ctx: MessageContext }[] = [];
const bridged: { payload: unknown; ctx: MessageContext }[] = [];

@Controller()
class Handlers {
  @Subscriber(UserCreated)
  @Publisher('onboarding.started', { transport: 'second' })
  onUser(@Payload() event: UserCreated, @Ctx() ctx: MessageContext) {
    seen.push({ payload: event, ctx });
    return { userId: event.userId };
  }

  @Subscriber('onboarding.started', { transport: 'second' })
  onStarted(payload: unknown, ctx: MessageContext) {
    bridged.push({ payload, ctx });
  }
}

@Injectable()
class Producer {
  constructor(@InjectPublisher(UserCreated) readonly publisher: EventPublisher<UserCreated>) {}
}

let app: INestApplication | undefined;
afterEach(async () => {
  seen.length = 0;
  bridged.length = 0;
  await app?.close();
  app = undefined;
});

describe('NestreamModule', () => {
  it('delivers a typed publish to the contract subscriber, validated, with event metadata on ctx', async () => {
    app = await bootApp({ transports: { first: new MemoryTransport(), second: new MemoryTransport() } }, [Handlers, Producer], [UserCreated]);
    await app.get(Producer).publisher.publish({ userId: 7, email: 'a@b.co' }, { key: '7', idempotencyKey: 'user-created:7' });
    await eventually(() => bridged.length === 1, 'the bridged event');

    const { payload, ctx } = seen[0]!;
    expect(payload).toBeInstanceOf(UserCreated);
    expect(payload).toEqual({ userId: 7, email: 'a@b.co' });
    expect(ctx.topic).toBe('user.created');
    expect(ctx.key).toBe('7');
    expect(ctx.transport).toBe('first');
    expect(ctx.attempt).toBe(1);
    expect(ctx.event).toMatchObject({ type: 'user.created', version: 'v1', source: 'test', idempotencyKey: 'user-created:7' });
    expect(ctx.event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(ctx.event.occurredAt!).getTime()).toBeGreaterThan(0);
    expect(ctx.headers[Headers.contentType]).toBe('application/json');
    expect(ctx.raw()).toBeDefined();
  });

  it('bridges a handler result to another transport with one correlation id throughout', async () => {
    app = await bootApp({ transports: { first: new MemoryTransport(), second: new MemoryTransport() } }, [Handlers, Producer], [UserCreated]);
    await app.get(MessageBus).publish(UserCreated, { userId: 1, email: 'x@y.io' }, { headers: { [Headers.correlationId]: 'corr-1' } });
    await eventually(() => bridged.length === 1, 'the bridged event');

    expect(seen[0]!.ctx.correlationId).toBe('corr-1');
    expect(bridged[0]!.ctx.transport).toBe('second');
    expect(bridged[0]!.ctx.correlationId).toBe('corr-1');
    expect(bridged[0]!.payload).toEqual({ userId: 1 });
    expect(bridged[0]!.ctx.event.source).toBe('test');
  });

  it('keeps the same topic on two transports apart', async () => {
    const first = new MemoryTransport();
    const second = new MemoryTransport();
    app = await bootApp({ transports: { first, second } }, [Handlers]);
    await app.get(MessageBus).publish('onboarding.started', { from: 'first' }, { transport: 'first' });
    await app.get(MessageBus).publish('onboarding.started', { from: 'second' }, { transport: 'second' });
    await eventually(() => bridged.length === 1, 'the event on the second transport');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bridged.map((b) => b.payload)).toEqual([{ from: 'second' }]);
  });

  it('rejects an invalid typed publish and sends nothing', async () => {
    const first = new MemoryTransport();
    app = await bootApp({ transports: { first, second: new MemoryTransport() } }, [Handlers, Producer], [UserCreated]);
    await expect(app.get(Producer).publisher.publish({ userId: 'x', email: 'nope' } as never)).rejects.toThrow(/user.created failed validation: userId/);
    await expect(app.get(Producer).publisher.publish({ userId: 1, email: 'a@b.co', admin: true } as never)).rejects.toThrow(/admin/);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toHaveLength(0);
  });

  it('uses an in-memory transport named memory when none is configured', async () => {
    @Controller()
    class Plain {
      @Subscriber('ping')
      onPing(payload: unknown, ctx: MessageContext) {
        seen.push({ payload, ctx });
      }
    }
    app = await bootApp({}, [Plain]);
    await app.get(MessageBus).publish('ping', 'hello');
    await eventually(() => seen.length === 1, 'ping');
    expect(seen[0]!.payload).toBe('hello');
    expect(seen[0]!.ctx.transport).toBe('memory');
  });

  it('applies the app guards to subscriber methods (rpc context)', async () => {
    const types: string[] = [];
    class OnlyEven implements CanActivate {
      canActivate(context: ExecutionContext) {
        types.push(context.getType());
        return (context.switchToRpc().getData() as { n: number }).n % 2 === 0;
      }
    }
    const handled: number[] = [];
    @Controller()
    class Guarded {
      @Subscriber('numbers', { retry: false, deadLetter: false })
      @UseGuards(OnlyEven)
      onNumber(@Payload('n') n: number) {
        handled.push(n);
      }
    }
    app = await bootApp({}, [Guarded]);
    for (const n of [1, 2, 3, 4]) await app.get(MessageBus).publish('numbers', { n });
    await eventually(() => types.length === 4, 'four guard calls');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(handled.sort()).toEqual([2, 4]);
    expect(types).toEqual(['rpc', 'rpc', 'rpc', 'rpc']);
  });
});
