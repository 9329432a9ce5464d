import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { NestreamModuleOptions } from './nestream-options.js';

export const {
  ConfigurableModuleClass: ConfigurableNestreamModule,
  MODULE_OPTIONS_TOKEN: NESTREAM_OPTIONS,
  OPTIONS_TYPE: NESTREAM_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: NESTREAM_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<NestreamModuleOptions>({ moduleName: 'Nestream' })
  .setClassMethodName('forRoot')
  // Global, so typed publishers from forFeature() in any module reach the one MessageBus.
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

export const NESTREAM_IDEMPOTENCY_STORE = Symbol('nestream:idempotency_store');
