// orders.spec.ts: under vitest, import these from 'vitest' instead
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { TestBroker } from 'nestream/testing';
import { OrderPlaced, OrdersModule } from './orders.module.js';

describe('billing', () => {
  const broker = new TestBroker();
  let moduleRef: TestingModule;

  beforeAll(async () => {
    moduleRef = await broker.attach(Test.createTestingModule({ imports: [OrdersModule] })).compile();
    await moduleRef.init(); // subscribes the handlers; an HTTP app would call app.init() instead
  });
  afterAll(() => moduleRef.close());
  beforeEach(() => broker.reset());

  it('requests an invoice for each order', async () => {
    await broker.publish(OrderPlaced, { orderId: 7, total: 42 }); // resolves once every handler it reached settled
    expect(broker.calls('BillingHandlers.onOrderPlaced')).toHaveLength(1);
    expect(broker.published('invoice.requested').map((m) => m.payload)).toEqual([{ orderId: 7, amount: 42 }]);
  });

  it('dead-letters an order that fails validation', async () => {
    await broker.publish('order.placed', { orderId: 8, total: -1 }); // by topic: not validated on publish
    expect(broker.published('invoice.requested')).toEqual([]);
    expect(broker.published('order.placed.dlq')).toHaveLength(1);
  });
});
