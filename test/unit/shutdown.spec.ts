import 'reflect-metadata';
import { Controller, Logger } from '@nestjs/common';
import { describe, expect, it, jest } from '@jest/globals';
import { MemoryTransport, MessageBus, Subscriber } from '../../lib/index.js';
import { bootApp, eventually } from '../support/app-harness.js';

describe('graceful shutdown', () => {
  it('in memory, drains what is queued (nothing else could take it), lets handlers finish and publish, then closes transports', async () => {
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
    expect(started.sort()).toEqual([0, 1, 2, 3, 4, 5]); // the queue was drained, not dropped
    expect(memory.health().status).toBe('down');
  });

  it('gives up waiting after shutdownTimeoutMs, and says how many queued messages it could not deliver', async () => {
    const warnings: string[] = [];
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    @Controller()
    class Stuck {
      @Subscriber('stuck')
      handle() {
        return new Promise(() => undefined);
      }
    }
    const memory = new MemoryTransport();
    const app = await bootApp({ transports: { memory }, shutdownTimeoutMs: 100, concurrency: 1 }, [Stuck]);
    for (let i = 0; i < 3; i++) await app.get(MessageBus).publish('stuck', { i });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = Date.now();
    try {
      await app.close();
    } finally {
      warn.mockRestore();
    }
    expect(Date.now() - before).toBeLessThan(2_000);
    expect(memory.health().status).toBe('down');
    // One is stuck in its handler; the two behind it were never delivered, and the log says so.
    expect(warnings.some((w) => /2 undelivered message\(s\) of stuck/.test(w))).toBe(true);
  });

  it('lets the process go when a transport cannot close (its close waits on a handler that never returns), and names it', async () => {
    const warnings: string[] = [];
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    // A broker client whose close waits for a stuck handler (as a Kafka consumer waits for its batch): close never settles.
    class CloseNeverEnds extends MemoryTransport {
      override async close(): Promise<void> {
        await super.close();
        await new Promise(() => undefined);
      }
    }
    const stuck = new CloseNeverEnds();
    const app = await bootApp({ transports: { stuck }, shutdownTimeoutMs: 100 }, []);
    try {
      await app.close(); // resolves: before the bound, this awaited the transport forever (jest's timeout failed it)
    } finally {
      warn.mockRestore();
    }
    expect(warnings.some((w) => /transport\(s\) stuck still closing after \d+ ms/.test(w))).toBe(true);
  });
});
