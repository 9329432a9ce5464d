import 'reflect-metadata';
import { Controller, type INestApplication } from '@nestjs/common';
import { afterEach, describe, expect, it } from '@jest/globals';
import { MessageBus, Subscriber, UseMessageInterceptors, type MessageInterceptor } from '../../lib/index.js';
import { bootApp, eventually } from '../support/app-harness.js';

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('message interceptors', () => {
  it('runs module-wide then per-handler interceptors around each attempt, and the module-wide ones on every publish', async () => {
    const trail: string[] = [];
    const global: MessageInterceptor = {
      async intercept(ctx, next) {
        trail.push(`global:${ctx.attempt}`);
        return next(ctx);
      },
      async interceptPublish(message, info, next) {
        message.headers['x-tenant'] = 'acme';
        trail.push(`publish:${message.topic}@${info.transport}`);
        return next(message, info);
      },
    };
    const local: MessageInterceptor = {
      async intercept(ctx, next) {
        trail.push(`local:${ctx.attempt}`);
        return next(ctx);
      },
    };
    let runs = 0;
    const tenants: string[] = [];
    @Controller()
    class Handler {
      @Subscriber('jobs', { retry: { attempts: 2, backoff: { initialMs: 1, jitter: 0 } } })
      @UseMessageInterceptors(local)
      handle(_: unknown, ctx: { headers: Record<string, string> }) {
        tenants.push(ctx.headers['x-tenant']!);
        trail.push('handler');
        if (++runs === 1) throw new Error('once');
      }
    }
    app = await bootApp({ interceptors: [global] }, [Handler]);
    await app.get(MessageBus).publish('jobs', {});
    await eventually(() => runs === 2, 'the second attempt');
    expect(trail).toEqual(['publish:jobs@memory', 'global:1', 'local:1', 'handler', 'global:2', 'local:2', 'handler']);
    expect(tenants).toEqual(['acme', 'acme']);
  });
});
