import { Controller, Get, Inject, Module, Res, type DynamicModule } from '@nestjs/common';
import { ConfigurationError } from '../core/errors.js';
import { NESTREAM_TELEMETRY, type NestreamTelemetry } from './nestream-telemetry.js';
import type { MetricsRegistry } from '../config/nestream-options.js';

export interface NestreamMetricsModuleOptions {
  /** Route of the endpoint. Default `metrics`. */
  path?: string;
}

/** Express' and Fastify's replies both have `header(name, value)`. */
interface Reply {
  header(name: string, value: string): unknown;
}

/**
 * Serves the registry nestream's metrics are on (with whatever else the app registered there)
 * in the Prometheus text format. Opt-in: import `NestreamMetricsModule.register()` next to
 * `NestreamModule.forRoot({ metrics: true })`.
 */
@Module({})
export class NestreamMetricsModule {
  static register(options: NestreamMetricsModuleOptions = {}): DynamicModule {
    @Controller(options.path ?? 'metrics')
    class NestreamMetricsController {
      private readonly registry: MetricsRegistry;

      constructor(@Inject(NESTREAM_TELEMETRY) telemetry: NestreamTelemetry) {
        if (!telemetry.metrics) {
          throw new ConfigurationError('NestreamMetricsModule: metrics are off; turn them on with NestreamModule.forRoot({ metrics: true })');
        }
        this.registry = telemetry.metrics.registry;
      }

      @Get()
      async scrape(@Res({ passthrough: true }) reply: Reply): Promise<string> {
        reply.header('Content-Type', this.registry.contentType);
        return this.registry.metrics();
      }
    }
    return { module: NestreamMetricsModule, controllers: [NestreamMetricsController] };
  }
}
