import 'reflect-metadata';
import { Controller, Module, UseFilters, type INestApplication } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it } from '@jest/globals';
import { DeadLetterHeaders, EventPublisher, InjectPublisher, NestreamModule, PublishValidationFilter, Subscriber } from '../../lib/index.js';
import { TestBroker } from '../../lib/testing/index.js';
import { AppModule, UserCreated, UsersController } from '../../docs/examples/publishing/http-validation.js';

// docs/publishing.md's example on a listening HTTP server, requests over real sockets.
let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function listen(module: object, configure?: (app: INestApplication) => void): Promise<{ broker: TestBroker; url: string }> {
  const broker = new TestBroker();
  const moduleRef = await broker.attach(Test.createTestingModule({ imports: [module as never] })).compile();
  app = moduleRef.createNestApplication({ logger: false });
  configure?.(app);
  await app.listen(0, '127.0.0.1');
  return { broker, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') + '/users' };
}

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('PublishValidationFilter', () => {
  it('an invalid typed publish in an HTTP handler answers 400 with the issues, and sends nothing', async () => {
    const { broker, url } = await listen(AppModule);
    const response = await post(url, { email: 'not-an-email' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'user.created failed validation: email: email must be an email',
      contract: 'user.created',
      issues: [{ property: 'email', constraints: { isEmail: 'email must be an email' } }],
    });
    expect(broker.published('user.created')).toEqual([]);
  });

  it('a valid one still answers 201 and publishes', async () => {
    const { broker, url } = await listen(AppModule);
    const response = await post(url, { email: 'ada@example.com' });
    expect(response.status).toBe(201);
    expect(broker.published('user.created').map((m) => m.payload)).toEqual([{ userId: 1, email: 'ada@example.com' }]);
  });

  it('works as app.useGlobalFilters(new PublishValidationFilter(app.getHttpAdapter())); without it Nest answers 500', async () => {
    @Module({ imports: [NestreamModule.forRoot({ serviceName: 'users' }), NestreamModule.forFeature([UserCreated])], controllers: [UsersController] })
    class BareModule {}
    const filtered = await listen(BareModule, (nest) => nest.useGlobalFilters(new PublishValidationFilter(nest.getHttpAdapter())));
    expect((await post(filtered.url, { email: 'nope' })).status).toBe(400);
    await app!.close();
    const bare = await listen(BareModule);
    expect((await post(bare.url, { email: 'nope' })).status).toBe(500);
  });

  it('leaves a nestream handler alone: its invalid publish still fails the message, which is dead-lettered', async () => {
    @Controller()
    @UseFilters(PublishValidationFilter) // scoped to the controller, so it does see the handler's error
    class Relay {
      constructor(@InjectPublisher(UserCreated) private readonly userCreated: EventPublisher<UserCreated>) {}
      @Subscriber('signup.raw', { group: 'relay' })
      async relay(@Payload() raw: { email: string }) {
        await this.userCreated.publish({ userId: 2, email: raw.email });
      }
    }
    @Module({ imports: [NestreamModule.forRoot({ serviceName: 'users' }), NestreamModule.forFeature([UserCreated])], controllers: [Relay] })
    class WithRelay {}
    const { broker } = await listen(WithRelay);
    await broker.publish('signup.raw', { email: 'nope' });
    const [dead] = broker.published('signup.raw.dlq');
    expect(dead?.message.headers[DeadLetterHeaders.errorName]).toBe('MessageValidationError');
    expect(broker.published('user.created')).toEqual([]);
  });
});
