import 'reflect-metadata';
import {
  Catch,
  Controller,
  createParamDecorator,
  Injectable,
  Module,
  UseFilters,
  UseGuards,
  UseInterceptors,
  UsePipes,
  type ArgumentsHost,
  type CallHandler,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type INestApplication,
  type NestInterceptor,
  type PipeTransform,
  type Type,
} from '@nestjs/common';
import { APP_GUARD, ExternalContextCreator } from '@nestjs/core';
import { Ctx, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it } from '@jest/globals';
import { map, of, type Observable } from 'rxjs';
import { DeadLetterHeaders, MemoryTransport, MessageBus, MessageContext, NestreamModule, Publisher, Subscriber } from '../../lib/index.js';
import { MessageParamsFactory } from '../../lib/consume/handler-invoker.js';
import { plainInvocation } from '../../lib/consume/plain-invocation.js';
import { eventually } from '../support/app-harness.js';

// Handlers without any enhancer are called without Nest's external context (plain-invocation.ts);
// these cases pin down that they behave as through Nest, and that enhanced ones still get Nest's.

const calls: Record<string, unknown[][]> = {};
const record = (name: string, ...args: unknown[]) => (calls[name] ??= []).push(args);

/** A custom parameter decorator: what it reads from the rpc ExecutionContext. */
const OrderNumber = createParamDecorator((prefix: string, context: ExecutionContext) => `${prefix}-${(context.switchToRpc().getData() as { n: number }).n}:${context.getType()}`);
const AsyncTag = createParamDecorator(async () => 'tagged');

class Double implements PipeTransform {
  transform(value: { n: number }) {
    return { n: value.n * 2 };
  }
}
class Deny implements CanActivate {
  canActivate() {
    return false;
  }
}
class Wrap implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map((value) => ({ wrapped: value })));
  }
}
@Catch()
class Swallow implements ExceptionFilter {
  catch(exception: Error, _host: ArgumentsHost) {
    record('filter', exception.message);
    return 'handled';
  }
}

@Controller()
class PlainHandlers {
  @Subscriber('plain.decorated', { retry: false, deadLetter: false })
  decorated(@Payload() event: { n: number }, @Payload('n') n: number, @Ctx() ctx: MessageContext, @OrderNumber('order') order: string, @AsyncTag() tag: string) {
    record('decorated', event, n, ctx instanceof MessageContext && ctx.topic, order, tag);
  }

  @Subscriber('plain.bare', { retry: false, deadLetter: false })
  bare(...args: unknown[]) {
    record('bare', args.length, args[0], args[1] instanceof MessageContext);
  }

  @Subscriber('plain.observable', { retry: false, deadLetter: false })
  @Publisher('plain.observable.out')
  observable(@Payload() event: { n: number }) {
    return of({ n: event.n + 1 });
  }

  @Subscriber('plain.observable.out', { retry: false, deadLetter: false })
  observed(@Payload() event: unknown) {
    record('observed', event);
  }

  @Subscriber('plain.failing', { retry: { attempts: 2, backoff: { initialMs: 1, factor: 1, maxMs: 1 } }, deadLetter: true })
  failing(@Payload('n') n: number) {
    record('failing', n);
    throw new Error(`no stock for ${n}`);
  }
}

@Controller()
class EnhancedHandlers {
  @Subscriber('enhanced.guard', { retry: false, deadLetter: false })
  @UseGuards(Deny)
  guarded(@Payload() event: unknown) {
    record('guarded', event);
  }

  @Subscriber('enhanced.pipe', { retry: false, deadLetter: false })
  @UsePipes(Double)
  piped(@Payload() event: unknown) {
    record('piped', event);
  }

  @Subscriber('enhanced.param-pipe', { retry: false, deadLetter: false })
  paramPiped(@Payload(new Double()) event: unknown) {
    record('paramPiped', event);
  }

  @Subscriber('enhanced.interceptor', { retry: false, deadLetter: false })
  @Publisher('enhanced.interceptor.out')
  @UseInterceptors(Wrap)
  intercepted(@Payload() event: { n: number }) {
    return { n: event.n };
  }

  @Subscriber('enhanced.interceptor.out', { retry: false, deadLetter: false })
  interceptedOut(@Payload() event: unknown) {
    record('interceptedOut', event);
  }

  @Subscriber('enhanced.filter', { retry: false, deadLetter: false })
  @UseFilters(Swallow)
  filtered() {
    throw new Error('caught by the filter');
  }
}

@Injectable()
class AllowAll implements CanActivate {
  canActivate() {
    record('globalGuard');
    return true;
  }
}

let app: INestApplication | undefined;
afterEach(async () => {
  for (const key of Object.keys(calls)) delete calls[key];
  await app?.close();
  app = undefined;
});

async function boot(handlers: Type[], setup: (app: INestApplication) => void = () => undefined, providers: unknown[] = []): Promise<{ app: INestApplication; memory: MemoryTransport }> {
  const memory = new MemoryTransport();
  @Module({ imports: [NestreamModule.forRoot({ serviceName: 'invocation', transports: { memory } })], providers: [...handlers, ...(providers as Type[])] })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  setup(app);
  await app.init();
  return { app, memory };
}

/** Whether the method of `handlerClass` would be called without Nest's context in this app. */
function takesPlainPath(running: INestApplication, handlerClass: Type, method: string): boolean {
  const creator = running.get(ExternalContextCreator);
  return plainInvocation(creator, running.get(handlerClass), method, new MessageParamsFactory(), '__routeArguments__') !== undefined;
}

describe('handler invocation without enhancers', () => {
  it('resolves @Payload(), @Payload(key), @Ctx() and custom parameter decorators as Nest does', async () => {
    const { app: running } = await boot([PlainHandlers]);
    expect(takesPlainPath(running, PlainHandlers, 'decorated')).toBe(true);
    await running.get(MessageBus).publish('plain.decorated', { n: 7 });
    await eventually(() => calls['decorated']?.length === 1, 'the decorated handler');
    expect(calls['decorated']).toEqual([[{ n: 7 }, 7, 'plain.decorated', 'order-7:rpc', 'tagged']]);
  });

  it('passes payload and context as they came to a method without parameter decorators', async () => {
    const { app: running } = await boot([PlainHandlers]);
    expect(takesPlainPath(running, PlainHandlers, 'bare')).toBe(true);
    await running.get(MessageBus).publish('plain.bare', 'hello');
    await eventually(() => calls['bare']?.length === 1, 'the bare handler');
    expect(calls['bare']).toEqual([[2, 'hello', true]]);
  });

  it('publishes the last value of an Observable result', async () => {
    const { app: running } = await boot([PlainHandlers]);
    await running.get(MessageBus).publish('plain.observable', { n: 1 });
    await eventually(() => calls['observed']?.length === 1, 'the published result');
    expect(calls['observed']).toEqual([[{ n: 2 }]]);
  });

  it('hands a thrown error to retry and then to the dead letter, unchanged', async () => {
    const { app: running, memory } = await boot([PlainHandlers]);
    expect(takesPlainPath(running, PlainHandlers, 'failing')).toBe(true);
    await running.get(MessageBus).publish('plain.failing', { n: 3 });
    let dead: Awaited<ReturnType<MemoryTransport['browse']>>['messages'] = [];
    await eventually(() => {
      void memory.browse('plain.failing.dlq', 10).then((browsed) => (dead = browsed.messages));
      return dead.length === 1;
    }, 'the dead letter');
    expect(calls['failing']).toEqual([[3], [3]]);
    expect(dead[0]!.headers[DeadLetterHeaders.errorMessage]).toBe('no stock for 3');
    expect(dead[0]!.headers[DeadLetterHeaders.attempts]).toBe('2');
  });
});

describe('handlers with enhancers keep Nest’s external context', () => {
  it('runs method guards, pipes, parameter pipes, interceptors and filters', async () => {
    const { app: running } = await boot([EnhancedHandlers]);
    for (const method of ['guarded', 'piped', 'paramPiped', 'intercepted', 'filtered']) expect([method, takesPlainPath(running, EnhancedHandlers, method)]).toEqual([method, false]);
    const bus = running.get(MessageBus);
    await bus.publish('enhanced.guard', { n: 1 });
    await bus.publish('enhanced.pipe', { n: 2 });
    await bus.publish('enhanced.param-pipe', { n: 3 });
    await bus.publish('enhanced.interceptor', { n: 4 });
    await bus.publish('enhanced.filter', {});
    await eventually(() => !!calls['piped'] && !!calls['paramPiped'] && !!calls['interceptedOut'] && !!calls['filter'], 'the enhanced handlers');
    expect(calls['guarded']).toBeUndefined();
    expect(calls['piped']).toEqual([[{ n: 4 }]]);
    expect(calls['paramPiped']).toEqual([[{ n: 6 }]]);
    expect(calls['interceptedOut']).toEqual([[{ wrapped: { n: 4 } }]]);
    expect(calls['filter']).toEqual([['caught by the filter']]);
  });

  it('treats a global guard (APP_GUARD) or a global interceptor as enhancing every handler', async () => {
    const withGuard = await boot([PlainHandlers], undefined, [{ provide: APP_GUARD, useClass: AllowAll }]);
    expect(takesPlainPath(withGuard.app, PlainHandlers, 'bare')).toBe(false);
    await withGuard.app.get(MessageBus).publish('plain.bare', 'x');
    await eventually(() => calls['bare']?.length === 1, 'the guarded handler');
    expect(calls['globalGuard']).toHaveLength(1);
    await withGuard.app.close();
    app = undefined;

    const withInterceptor = await boot([PlainHandlers], (created) => created.useGlobalInterceptors(new Wrap()));
    expect(takesPlainPath(withInterceptor.app, PlainHandlers, 'observable')).toBe(false);
    await withInterceptor.app.get(MessageBus).publish('plain.observable', { n: 1 });
    await eventually(() => calls['observed']?.length === 1, 'the intercepted result');
    expect(calls['observed']).toEqual([[{ wrapped: { n: 2 } }]]);
  });
});
