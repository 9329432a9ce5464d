import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Headers } from '../../lib/index.js';
import { TestBroker } from '../../lib/testing/index.js';
import { AppModule } from '../../sample/app.module.js';
import { sampleDatabase } from '../../sample/database.js';
import { eventually } from '../support/poll.js';

/**
 * The sample's `POST /orders` end to end: order row and event in one transaction (PGlite here,
 * no server), the relay publishing it, the shipping handler consuming it through the inbox.
 */
describe('sample app: POST /orders through the outbox', () => {
  const broker = new TestBroker();
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await broker.attach(Test.createTestingModule({ imports: [AppModule] })).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });
  afterAll(() => app.close());

  it('publishes order.placed once the order commits; shipping records it once; /metrics and /health show the outbox', async () => {
    const response = await request(app.getHttpServer()).post('/orders').send({ item: 'teapot', quantity: 2 }).expect(201);
    const { orderId, eventId } = response.body;
    const placed = await eventually('order.placed published', () => broker.published('order.placed', 'main').find((m) => m.message.headers[Headers.messageId] === eventId));
    expect(placed.payload).toEqual({ orderId, item: 'teapot', quantity: 2 });
    expect(placed.message.headers[Headers.idempotencyKey]).toBe(eventId);
    expect(placed.message.key).toBe(String(orderId));
    const database = await sampleDatabase();
    await eventually('the shipment', () => database.transaction(async (tx) => (await tx.query('SELECT 1 FROM shipments WHERE order_id = $1', [orderId])).rows.length === 1));

    const metrics = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^nestream_outbox_published_total\{transport="main",topic="order\.placed"\} [1-9]/m);
    expect(metrics.text).toMatch(/^nestream_outbox_pending \d+$/m);
    const health = await request(app.getHttpServer()).get('/health').expect(200);
    expect(health.body.info.outbox).toMatchObject({ status: 'up', relay: 'running', dead: 0 });
  });

  it('an invalid order rolls back: no order row, no event', async () => {
    broker.reset();
    await request(app.getHttpServer()).post('/orders').send({ item: 'teapot', quantity: 0 }).expect(500);
    const database = await sampleDatabase();
    const { rows } = await database.transaction((tx) => tx.query(`SELECT count(*)::integer AS n FROM orders WHERE quantity = 0`));
    expect(rows).toEqual([{ n: 0 }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(broker.published('order.placed')).toHaveLength(0);
  });
});
