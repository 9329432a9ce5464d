import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { ContractClass } from '../core/contract.js';
import { HandlerExplorer } from '../discovery/handler-explorer.js';
import { NESTREAM_HANDLER_OBSERVERS } from '../config/handler-observer.js';
import { NestreamMetadataAccessor } from '../decorators/metadata-accessor.js';
import { NestreamRegistrar } from '../discovery/nestream.registrar.js';
import { MemoryIdempotencyStore } from '../interceptors/memory-idempotency-store.js';
import { EventPublisher } from '../publishing/event-publisher.js';
import { MessageBus, type PublishOptions } from '../publishing/message-bus.js';
import { NestreamHealth } from '../health/nestream-health.js';
import { DeadLetters } from '../dead-letters/dead-letters.service.js';
import { NESTREAM_TELEMETRY, NestreamTelemetry } from '../observability/nestream-telemetry.js';
import { PublishPipeline } from '../publishing/publish-pipeline.js';
import { getPublisherToken } from '../decorators/publisher-token.js';
import { TransportRegistry } from '../config/transport-registry.js';
import { MemoryTransport } from '../transports/memory/memory.transport.js';
import { ConfigurableNestreamModule, NESTREAM_IDEMPOTENCY_STORE, NESTREAM_OPTIONS } from '../config/nestream.module-definition.js';
import type { NestreamModuleOptions } from '../config/nestream-options.js';

/** A contract (or topic) for `forFeature`, optionally with publish defaults such as the transport. */
export type FeatureEntry = ContractClass | string | ({ contract: ContractClass | string } & PublishOptions);

/** Provides the typed publishers; a separate class so forFeature never re-instantiates the bus. */
@Module({})
export class NestreamFeatureModule {}

@Module({
  imports: [DiscoveryModule],
  providers: [
    NestreamMetadataAccessor,
    HandlerExplorer,
    NestreamRegistrar,
    PublishPipeline,
    MessageBus,
    {
      provide: TransportRegistry,
      useFactory: (options: NestreamModuleOptions) => new TransportRegistry(options.transports, () => new MemoryTransport()),
      inject: [NESTREAM_OPTIONS],
    },
    {
      provide: NESTREAM_IDEMPOTENCY_STORE,
      useFactory: (options: NestreamModuleOptions) => options.idempotency?.store ?? new MemoryIdempotencyStore(),
      inject: [NESTREAM_OPTIONS],
    },
    { provide: NESTREAM_HANDLER_OBSERVERS, useValue: [] },
    {
      // Async: optional peers (prom-client, @opentelemetry/api) are imported only when turned on.
      provide: NESTREAM_TELEMETRY,
      useFactory: (options: NestreamModuleOptions, registry: TransportRegistry) => NestreamTelemetry.create(options, registry),
      inject: [NESTREAM_OPTIONS, TransportRegistry],
    },
    NestreamHealth,
    DeadLetters,
  ],
  exports: [MessageBus, TransportRegistry, NestreamRegistrar, NestreamHealth, NESTREAM_TELEMETRY, DeadLetters],
})
export class NestreamModule extends ConfigurableNestreamModule {
  /** Typed publishers for these contracts (or topics), injectable with `@InjectPublisher(X)`. */
  static forFeature(entries: FeatureEntry[]): DynamicModule {
    const providers: Provider[] = entries.map((entry) => {
      const { contract, ...defaults } = typeof entry === 'object' ? entry : { contract: entry };
      return {
        provide: getPublisherToken(contract),
        useFactory: (bus: MessageBus) => new EventPublisher(bus, contract, defaults),
        inject: [MessageBus],
      };
    });
    return { module: NestreamFeatureModule, providers, exports: providers };
  }
}
