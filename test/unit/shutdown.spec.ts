import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import { MemoryTransport, MessageBus, Subscriber } from '../../lib/index.js';
import { bootApp, eventually } from '../support/app-harness.js';

describe('graceful shutdown', () => {
  it('stops taking messages, lets in-flight handlers finish (and publish), then closes transports', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const bridged: number[] = [];
    const memory = new MemoryTransport();
    @Controller()
    class Slow {
      @Subscriber('work', { concurrency: 2 })
      async handle(payload: { i: number }) {
        started.push(payload.i);
        await new Promise((resolve) => setTimeout(resolve, 100));
        finished.push(payload.i);
        await this.bus?.publish('done', payload.i);
      }
      constructor(private readonly bus: MessageBus) {}
    }
    @Controller()
    class Done {
      @Subscriber('done')
      handle(i: number) {
        bridged.push(i);
      }
    }
    const app = await bootApp({ transports: { memory } }, [Slow, Done]);
    for (let i = 0; i < 6; i++) await app.get(MessageBus).publish('work', { i });
    await eventually(() => started.length === 2, 'two handlers in flight');
    await app.close();
    expect(finished.sort()).toEqual(started.sort()); // every started handler completed
    expect(started).toHaveLength(2); // nothing new was taken after shutdown began
    expect(memory.health().status).toBe('down');
  });

  it('gives up waiting after shutdownTimeoutMs', async () => {
    @Controller()
    class Stuck {
      @Subscriber('stuck')
      handle() {
        return new Promise(() => undefined);
      }
    }
    const memory = new MemoryTransport();
    const app = await bootApp({ transports: { memory }, shutdownTimeoutMs: 100 }, [Stuck]);
    await app.get(MessageBus).publish('stuck', {});
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = Date.now();
    await app.close();
    expect(Date.now() - before).toBeLessThan(2_000);
    expect(memory.health().status).toBe('down');
  });
});
