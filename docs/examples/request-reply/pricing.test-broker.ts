// pricing.spec.ts
import { Test } from '@nestjs/testing';
import { RemoteHandlerError } from 'nestream';
import { TestBroker } from 'nestream/testing';
import { PricingModule, QuoteRequested, Quoted } from './pricing.module.js';

export async function pricingAnswersRequests(): Promise<void> {
  const broker = new TestBroker();
  const moduleRef = await broker.attach(Test.createTestingModule({ imports: [PricingModule] })).compile();
  const app = await moduleRef.createNestApplication({ logger: false }).init();

  const quoted = await broker.request(QuoteRequested, { sku: 'tea', quantity: 4 }, { reply: Quoted });
  console.assert(quoted.totalCents === 1000);

  const error = await broker.request(QuoteRequested, { sku: 'discontinued', quantity: 1 }).catch((e: unknown) => e);
  console.assert(error instanceof RemoteHandlerError && error.name === 'RangeError');
  await app.close();
}
