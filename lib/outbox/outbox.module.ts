import { ConfigurableModuleBuilder, Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { ContractClass } from '../core/contract.js';
import type { PublishOptions } from '../publishing/message-bus.js';
import { OutboxAdmin } from './outbox.admin.js';
import type { OutboxModuleOptions } from './outbox.options.js';
import { OutboxPublisher } from './outbox.publisher.js';
import { OutboxRuntime } from './outbox.runtime.js';
import { getOutboxToken, OUTBOX_OPTIONS } from './outbox.tokens.js';
import { OutboxWriter } from './outbox.writer.js';

const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = new ConfigurableModuleBuilder<OutboxModuleOptions>({ moduleName: 'NestreamOutbox' })
  .setClassMethodName('forRoot')
  // Global like NestreamModule, so forFeature() in any module reaches the one writer.
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

/** A contract (or topic) for `forFeature`, optionally with publish defaults such as the transport. */
export type OutboxFeatureEntry = ContractClass | string | ({ contract: ContractClass | string } & PublishOptions);

@Module({})
export class NestreamOutboxFeatureModule {}

/**
 * The transactional outbox (and the inbox's schema), next to `NestreamModule.forRoot`:
 *
 *   NestreamOutboxModule.forRoot({ database: pgDatabase({ connectionString }), createSchema: true }),
 *   NestreamOutboxModule.forFeature([OrderPlaced]),        // @InjectOutbox(OrderPlaced)
 */
@Module({
  providers: [{ provide: OUTBOX_OPTIONS, useExisting: MODULE_OPTIONS_TOKEN }, OutboxWriter, OutboxRuntime, OutboxAdmin],
  exports: [OutboxWriter, OutboxAdmin, OutboxRuntime],
})
export class NestreamOutboxModule extends ConfigurableModuleClass {
  static forFeature(entries: OutboxFeatureEntry[]): DynamicModule {
    const providers: Provider[] = entries.map((entry) => {
      const { contract, ...defaults } = typeof entry === 'object' ? entry : { contract: entry };
      return {
        provide: getOutboxToken(contract),
        useFactory: (writer: OutboxWriter) => new OutboxPublisher(writer, contract, defaults),
        inject: [OutboxWriter],
      };
    });
    return { module: NestreamOutboxFeatureModule, providers, exports: providers };
  }
}
