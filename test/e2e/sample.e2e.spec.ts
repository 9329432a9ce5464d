import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DeadLetterHeaders, Headers } from '../../lib/index.js';
import { TestBroker } from '../../lib/testing/index.js';
import { AppModule } from '../../sample/app.module.js';

/** The sample end to end over HTTP, with the test broker standing in for both transports. */
describe('sample app', () => {
  const broker = new TestBroker();
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await broker.attach(Test.createTestingModule({ imports: [AppModule] })).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });
  afterAll(() => app.close());

  it('POST /users publishes user.created; onboarding bridges to the events transport; one correlation id throughout', async () => {
    const response = await request(app.getHttpServer())
      .post('/users')
      .set('x-correlation-id', 'corr-e2e-1')
      .send({ email: 'ada@example.com', username: 'ada' })
      .expect(201);
    expect(response.headers['x-correlation-id']).toBe('corr-e2e-1');
    await broker.settled();

    const [created] = broker.published('user.created', 'main');
    expect(created!.payload).toEqual({ userId: response.body.userId, email: 'ada@example.com', username: 'ada' });
    expect(created!.message.headers[Headers.correlationId]).toBe('corr-e2e-1');
    expect(created!.message.headers[Headers.idempotencyKey]).toBe(`user-created:${response.body.userId}`);

    const [started] = broker.published('onboarding.started', 'events');
    expect(started!.payload).toEqual({ userId: response.body.userId, correlationId: 'corr-e2e-1' });
    expect(started!.message.headers[Headers.correlationId]).toBe('corr-e2e-1');

    const [notified] = broker.calls('NotificationHandlers.onOnboardingStarted');
    expect(notified!.ctx.correlationId).toBe('corr-e2e-1');
    expect(notified!.ctx.transport).toBe('events');
  });

  it('POST /users/raw with an invalid email ends on user.created.dlq with its validation errors', async () => {
    broker.reset();
    await request(app.getHttpServer()).post('/users/raw').send({ userId: 99, email: 'not-an-email', username: 'bob' }).expect(202);
    await broker.settled();
    const [dead] = broker.published('user.created.dlq', 'main');
    expect(dead!.payload).toEqual({ userId: 99, email: 'not-an-email', username: 'bob' });
    expect(dead!.message.headers[DeadLetterHeaders.reason]).toBe('validation-failed');
    expect(dead!.message.headers[DeadLetterHeaders.validationErrors]).toContain('email');
    expect(broker.calls('OnboardingHandlers.onDeadLetter')).toHaveLength(1);
    expect(broker.calls('OnboardingHandlers.onUserCreated')).toHaveLength(0);
  });

  it('rejects an invalid POST /users before anything is published', async () => {
    broker.reset();
    await request(app.getHttpServer()).post('/users').send({ email: 'nope', username: 'x' }).expect(500);
    await broker.settled();
    expect(broker.published('user.created')).toHaveLength(0);
  });
});
