import 'reflect-metadata';
import type { INestApplication, Type } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { NestreamModule, type MessageInterceptor, type NestreamModuleOptions, type Transport } from '../../../lib/index.js';
import {
  getOutboxToken,
  NestreamOutboxModule,
  OutboxAdmin,
  OutboxRuntime,
  OutboxWriter,
  pgDatabase,
  type OutboxDatabase,
  type OutboxPublisher,
  type OutboxRelayOptions,
} from '../../../lib/outbox/index.js';
import { OrderPlaced } from './events.js';
import type { WriteEvent } from './write-events.js';
import { validateContract } from '../../../lib/contracts/contract-validator.js';

export interface OutboxAppOptions {
  readonly schema: string;
  readonly url?: string;
  readonly database?: OutboxDatabase;
  readonly transports?: Record<string, Transport>;
  /** false: no relay in this app. Default: fast polling for tests. */
  readonly relay?: OutboxRelayOptions | false;
  readonly handlers?: Type[];
  readonly interceptors?: MessageInterceptor[];
  readonly nestream?: Partial<NestreamModuleOptions>;
}

export interface OutboxApp {
  readonly app: INestApplication;
  readonly orders: OutboxPublisher<OrderPlaced>;
  readonly admin: OutboxAdmin;
  readonly runtime: OutboxRuntime;
  /** Writes an OrderPlaced (validated) to another topic: tests keep their topics apart. */
  writeTo(topic: string): WriteEvent;
  close(): Promise<void>;
}

/** An app with nestream, the outbox (its relay on unless told) and OrderPlaced as an outbox feature. */
export async function bootOutboxApp(options: OutboxAppOptions): Promise<OutboxApp> {
  const database = options.database ?? pgDatabase({ connectionString: options.url });
  @Module({
    imports: [
      NestreamModule.forRoot({ serviceName: 'outbox-test', transports: options.transports, interceptors: options.interceptors, ...options.nestream }),
      NestreamOutboxModule.forRoot({
        database,
        schema: options.schema,
        relay: options.relay === false ? false : { pollIntervalMs: 200, statsIntervalMs: 500, backoff: { initialMs: 50, maxMs: 500 }, ...options.relay },
      }),
      NestreamOutboxModule.forFeature([OrderPlaced]),
    ],
    providers: options.handlers ?? [],
  })
  class OutboxTestModule {}
  const moduleRef = await Test.createTestingModule({ imports: [OutboxTestModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  await app.init();
  return {
    app,
    orders: app.get(getOutboxToken(OrderPlaced)),
    admin: app.get(OutboxAdmin),
    runtime: app.get(OutboxRuntime),
    writeTo: (topic) => async (tx, payload, publishOptions) => {
      await validateContract(OrderPlaced, 'OrderPlaced', payload);
      return app.get(OutboxWriter).write(tx, topic, payload, publishOptions);
    },
    close: async () => {
      await app.close();
      if (!options.database) await database.close();
    },
  };
}
