import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DeadLetterHeaders, Headers } from '../../lib/index.js';
import { TestBroker } from '../../lib/testing/index.js';
import { AppModule } from '../../sample/app.module.js';
import { serveAsyncApi } from '../../sample/asyncapi.js';

/** The sample end to end over HTTP, with the test broker standing in for both transports. */
describe('sample app', () => {
  const broker = new TestBroker();
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await broker.attach(Test.createTestingModule({ imports: [AppModule] })).compile();
    app = moduleRef.createNestApplication({ logger: false });
    serveAsyncApi(app);
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

    // The batch handler got the same event, in an array, with its context beside it.
    const [stats] = broker.calls('SignupStatsHandlers.onSignups');
    expect(stats!.payload).toEqual([{ userId: response.body.userId, email: 'ada@example.com', username: 'ada' }]);
    expect(stats!.contexts!.map((c) => c.correlationId)).toEqual(['corr-e2e-1']);
  });

  it('POST /users/raw with an invalid email ends on user.created.dlq with its validation errors', async () => {
    broker.reset();
    await request(app.getHttpServer()).post('/users/raw').send({ userId: 99, email: 'not-an-email', username: 'bob' }).expect(202);
    await broker.settled();
    // Each subscriber of user.created dead-letters it on its own: the onboarding handler and the batch handler.
    const dead = broker.published('user.created.dlq', 'main');
    expect(dead.map((d) => d.message.headers[DeadLetterHeaders.handler]).sort()).toEqual(['OnboardingHandlers.onUserCreated', 'SignupStatsHandlers.onSignups']);
    for (const letter of dead) {
      expect(letter.payload).toEqual({ userId: 99, email: 'not-an-email', username: 'bob' });
      expect(letter.message.headers[DeadLetterHeaders.reason]).toBe('validation-failed');
      expect(letter.message.headers[DeadLetterHeaders.validationErrors]).toContain('email');
    }
    expect(broker.calls('OnboardingHandlers.onDeadLetter')).toHaveLength(2);
    expect(broker.calls('OnboardingHandlers.onUserCreated')).toHaveLength(0);
    expect(broker.calls('SignupStatsHandlers.onSignups')).toHaveLength(0);
  });

  it('GET /metrics shows what POST /users consumed and published, on both transports', async () => {
    await request(app.getHttpServer()).post('/users').send({ email: 'grace@example.com', username: 'grace' }).expect(201);
    await broker.settled();
    const metrics = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const series = (name: string, labels: string) => new RegExp(`^${name}\\{${labels.replace(/[.]/g, '\\.')}\\} [1-9]\\d*$`, 'm');
    expect(metrics.text).toMatch(series('nestream_messages_published_total', 'transport="main",topic="user.created",outcome="published"'));
    expect(metrics.text).toMatch(series('nestream_messages_published_total', 'transport="events",topic="onboarding.started",outcome="published"'));
    expect(metrics.text).toMatch(
      series('nestream_messages_consumed_total', 'transport="main",topic="user.created",handler="OnboardingHandlers.onUserCreated",outcome="acked"'),
    );
    expect(metrics.text).toMatch(
      series('nestream_messages_consumed_total', 'transport="events",topic="onboarding.started",handler="NotificationHandlers.onOnboardingStarted",outcome="acked"'),
    );
  });

  it('GET /health reports every transport up', async () => {
    const health = await request(app.getHttpServer()).get('/health').expect(200);
    expect(health.body.status).toBe('ok');
    expect(health.body.info.nestream.status).toBe('up');
    expect(Object.keys(health.body.info.nestream.transports)).toEqual(['main', 'events']);
    for (const transport of Object.values(health.body.info.nestream.transports)) expect(transport).toMatchObject({ status: 'up' });
  });

  it('GET /asyncapi.json lists user.created, onboarding.started, the dead-letter channel and both transports', async () => {
    const { body } = await request(app.getHttpServer()).get('/asyncapi.json').expect(200).expect('content-type', /^application\/json/);
    expect(body.asyncapi).toBe('3.0.0');
    expect(Object.keys(body.servers)).toEqual(['main', 'events']);
    const addresses = Object.values(body.channels as Record<string, { address: string; servers: { $ref: string }[] }>).map((c) => [c.address, c.servers[0]!.$ref]);
    expect(addresses).toEqual(
      expect.arrayContaining([
        ['user.created', '#/servers/main'],
        ['user.created.dlq', '#/servers/main'],
        ['onboarding.started', '#/servers/events'],
      ]),
    );
    expect(body.operations['OnboardingHandlers.onUserCreated']['x-nestream-dead-letter']).toEqual({ channel: 'main.user.created.dlq', topic: 'user.created.dlq', transport: 'main' });
  });

  it('rejects an invalid POST /users before anything is published', async () => {
    broker.reset();
    await request(app.getHttpServer()).post('/users').send({ email: 'nope', username: 'x' }).expect(500);
    await broker.settled();
    expect(broker.published('user.created')).toHaveLength(0);
  });
});
