import 'reflect-metadata';
import type { INestApplication, Type } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { NestreamModule, type FeatureEntry, type NestreamModuleOptions } from '../../lib/index.js';

/** Boots a Nest app with nestream and the given handler classes; the caller closes it. */
export async function bootApp(
  options: Partial<NestreamModuleOptions>,
  handlers: Type[],
  features: FeatureEntry[] = [],
): Promise<INestApplication> {
  @Module({
    imports: [NestreamModule.forRoot({ serviceName: 'test', ...options }), NestreamModule.forFeature(features)],
    providers: handlers,
  })
  class TestAppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [TestAppModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

/** Resolves when `predicate` holds, polling; rejects after `timeoutMs` with `what` in the message. */
export async function eventually(predicate: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
