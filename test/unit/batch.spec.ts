import 'reflect-metadata';
import { Controller, type INestApplication } from '@nestjs/common';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Headers, MemoryTransport, MessageBus, Publisher, Subscriber, type MessageContext } from '../../lib/index.js';
import { bootApp, eventually } from '../support/app-harness.js';

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** Records what arrives on a topic of the memory transport. */
function reader(memory: MemoryTransport, topic: string): unknown[] {
  const got: unknown[] = [];
  void memory.subscribe({
    topic,
    group: `${topic}-reader`,
    concurrency: 1,
    options: {},
    handler: async (delivery) => {
      got.push(JSON.parse(delivery.message.body.toString()));
      await delivery.ack();
    },
  });
  return got;
}

describe('batch handlers', () => {
  it('runs the first copy of a repeated idempotency key with its batch and skips the later copy', async () => {
    const batches: string[][] = [];
    @Controller()
    class Payments {
      @Subscriber('payments', { batch: { maxSize: 10, maxWaitMs: 20 }, idempotent: true })
      handle(payments: { ref: string }[]) {
        batches.push(payments.map((p) => p.ref));
      }
    }
    const memory = new MemoryTransport();
    app = await bootApp({ transports: { memory } }, [Payments]);
    const bus = app.get(MessageBus);
    await bus.publish('payments', { ref: 'a' }, { idempotencyKey: 'pay-1' });
    await bus.publish('payments', { ref: 'a-again' }, { idempotencyKey: 'pay-1' });
    await bus.publish('payments', { ref: 'b' }, { idempotencyKey: 'pay-2' });
    await eventually(() => memory.isIdle() && batches.length > 0, 'the batch handled and every message settled');
    expect(batches.flat().sort()).toEqual(['a', 'b']);
    expect(memory.outstanding).toBe(0);
  });

  it('publishes each element of an array a batch handler returns, under the batch’s shared correlation id', async () => {
    @Controller()
    class Totals {
      @Subscriber('orders', { batch: { maxSize: 3, maxWaitMs: 1_000 } })
      @Publisher('order.totals')
      handle(orders: { id: number; amount: number }[], contexts: MessageContext[]) {
        expect(contexts.map((c) => c.topic)).toEqual(['orders', 'orders', 'orders']);
        return orders.map((o) => ({ id: o.id, total: o.amount * 2 }));
      }
    }
    const memory = new MemoryTransport();
    app = await bootApp({ transports: { memory } }, [Totals]);
    const totals = reader(memory, 'order.totals');
    const headersSeen: string[] = [];
    void memory.subscribe({
      topic: 'order.totals',
      group: 'correlation-reader',
      concurrency: 1,
      options: {},
      handler: async (delivery) => {
        headersSeen.push(delivery.message.headers[Headers.correlationId]!);
        await delivery.ack();
      },
    });
    const bus = app.get(MessageBus);
    for (const id of [1, 2, 3]) await bus.publish('orders', { id, amount: id * 10 }, { headers: { [Headers.correlationId]: 'checkout-7' } });
    await eventually(() => totals.length === 3 && headersSeen.length === 3, 'three totals');
    expect(totals).toEqual(expect.arrayContaining([{ id: 1, total: 20 }, { id: 2, total: 40 }, { id: 3, total: 60 }]));
    expect(headersSeen).toEqual(['checkout-7', 'checkout-7', 'checkout-7']);
  });

  it('fails bootstrap for an invalid batch size, naming the handler', async () => {
    @Controller()
    class Bad {
      @Subscriber('orders', { batch: { maxSize: 0 } })
      handle() {}
    }
    await expect(bootApp({}, [Bad])).rejects.toThrow(/Bad\.handle: batch\.maxSize must be a positive integer, got 0/);
  });

  it('fails bootstrap for native retries on a batch handler', async () => {
    @Controller()
    class Native {
      @Subscriber('orders', { batch: true, retry: { mode: 'native' } })
      handle() {}
    }
    await expect(bootApp({}, [Native])).rejects.toThrow(/Native\.handle: batch handlers retry in-process/);
  });
});
