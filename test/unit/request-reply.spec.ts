import 'reflect-metadata';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsInt, IsPositive, IsString } from 'class-validator';
import {
  ConfigurationError,
  EventContract,
  InjectPublisher,
  MessageBus,
  NestreamModule,
  RemoteHandlerError,
  RequestTimeoutError,
  Subscriber,
  type MessageContext,
  type PublisherOf,
} from '../../lib/index.js';
import { TestBroker } from '../../lib/testing/index.js';

@EventContract('unit.quote-requested')
class QuoteRequested {
  @IsString() sku!: string;
  @IsInt() @IsPositive() quantity!: number;
}

@EventContract('unit.quoted')
class Quoted {
  @IsString() sku!: string;
  @IsInt() totalCents!: number;
}

let runs = 0;

@Injectable()
class Pricing {
  @Subscriber(QuoteRequested, { group: 'pricing' })
  quote(request: QuoteRequested, ctx: MessageContext): Quoted & { correlationId: string } | Quoted {
    runs++;
    if (request.sku === 'discontinued') throw new RangeError(`${request.sku} has no price`);
    if (request.sku === 'broken') return { sku: request.sku, totalCents: 'free' as unknown as number };
    if (request.sku === 'echo-correlation') return { sku: ctx.correlationId, totalCents: 0 };
    return { sku: request.sku, totalCents: request.quantity * 250 };
  }
}

@Injectable()
class Checkout {
  constructor(@InjectPublisher(QuoteRequested) readonly quotes: PublisherOf<typeof QuoteRequested>) {}
}

@Module({
  imports: [NestreamModule.forRoot({ serviceName: 'checkout', retry: { attempts: 3 }, deadLetter: true }), NestreamModule.forFeature([QuoteRequested])],
  providers: [Pricing, Checkout],
})
class PricingModule {}

describe('request/reply (TestBroker, in memory)', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    runs = 0;
  });

  const boot = async () => {
    const broker = new TestBroker();
    const moduleRef = await broker.attach(Test.createTestingModule({ imports: [PricingModule] })).compile();
    app = await moduleRef.createNestApplication({ logger: false }).init();
    return { broker, checkout: app.get(Checkout), bus: app.get(MessageBus) };
  };

  it('TestBroker.request resolves with the handler reply, validated and typed by the reply contract', async () => {
    const { broker } = await boot();
    const quoted: Quoted = await broker.request(QuoteRequested, { sku: 'tea', quantity: 4 }, { reply: Quoted });
    expect(quoted).toBeInstanceOf(Quoted);
    expect(quoted).toEqual(Object.assign(new Quoted(), { sku: 'tea', totalCents: 1000 }));
    expect(await broker.request('unit.quote-requested', { sku: 'tea', quantity: 1 })).toEqual({ sku: 'tea', totalCents: 250 });
    expect(broker.calls('Pricing.quote')).toHaveLength(2);
    expect(broker.published('unit.quote-requested')).toHaveLength(2);
  });

  it("the injected publisher's request carries its correlation id to the handler", async () => {
    const { checkout } = await boot();
    const reply = await checkout.quotes.request({ sku: 'echo-correlation', quantity: 1 }, { correlationId: 'corr-42', reply: Quoted });
    expect(reply.sku).toBe('corr-42');
  });

  it('a handler error comes back at once as a RemoteHandlerError: not retried, not dead-lettered', async () => {
    const { broker } = await boot();
    const error = await broker.request(QuoteRequested, { sku: 'discontinued', quantity: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteHandlerError);
    expect(error).toMatchObject({ name: 'RangeError', message: 'discontinued has no price', topic: 'unit.quote-requested' });
    await broker.settled();
    expect(runs).toBe(1);
    expect(broker.published('unit.quote-requested.dlq')).toHaveLength(0);
  });

  it('an invalid request is refused before it is sent; a reply breaking its contract rejects the caller', async () => {
    const { broker } = await boot();
    await expect(broker.request(QuoteRequested, { sku: 'tea', quantity: -1 })).rejects.toThrow(/failed validation/);
    expect(broker.published('unit.quote-requested')).toHaveLength(0);
    await expect(broker.request(QuoteRequested, { sku: 'broken', quantity: 1 }, { reply: Quoted })).rejects.toThrow(/unit.quoted failed validation/);
  });

  it('no handler: a RequestTimeoutError naming topic and timeout; a bad timeout is a clear error', async () => {
    const { bus } = await boot();
    const error = await bus.request('unit.nobody', { x: 1 }, { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as Error).message).toBe('No reply to the request on unit.nobody within 50 ms');
    await expect(bus.request('unit.nobody', { x: 1 }, { timeoutMs: 0 })).rejects.toThrow(ConfigurationError);
  });
});
