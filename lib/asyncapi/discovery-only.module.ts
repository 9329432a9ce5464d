import { Global, Module, type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NESTREAM_DISCOVERY_ONLY } from '../config/discovery-only.js';
import { describeApp, type AppDescription } from './app-description.js';

/** Global, so the registrar inside NestreamModule sees the flag whatever imports it. */
@Global()
@Module({ providers: [{ provide: NESTREAM_DISCOVERY_ONLY, useValue: true }], exports: [NESTREAM_DISCOVERY_ONLY] })
export class NestreamDiscoveryOnlyModule {}

@Module({})
class DescribedAppModule {}

/**
 * Describes an app module without running it: Nest builds the module (providers, the
 * options factory, transports constructed) and nestream resolves every binding, but no
 * transport connects and nothing subscribes. Other providers' lifecycle hooks still run.
 */
export async function describeModule(module: Type | DynamicModule): Promise<AppDescription> {
  const root: DynamicModule = { module: DescribedAppModule, imports: [NestreamDiscoveryOnlyModule, module] };
  const app = await NestFactory.createApplicationContext(root, { logger: ['error'], abortOnError: false });
  try {
    return describeApp(app);
  } finally {
    await app.close();
  }
}
