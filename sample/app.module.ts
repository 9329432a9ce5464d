import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CorrelationIdMiddleware, NestreamMetricsModule, NestreamModule } from '../lib/index.js';
import { NestreamHealthIndicator } from '../lib/health/index.js';
import { NestreamOutboxModule, PostgresInboxStore } from '../lib/outbox/index.js';
import { sampleDatabase } from './database.js';
import { OrderPlaced } from './order-events.js';
import { OrdersController } from './orders.controller.js';
import { ShippingHandlers } from './shipping.handlers.js';
import { OnboardingStarted, UserCreated } from './events.js';
import { HealthController } from './health.controller.js';
import { NotificationHandlers, OnboardingHandlers } from './onboarding.handlers.js';
import { SignupStatsHandlers } from './signup-stats.handlers.js';
import { sampleTransports } from './transports.js';
import { UsersController } from './users.controller.js';

@Module({
  imports: [
    NestreamModule.forRootAsync({
      useFactory: async () => ({
        serviceName: 'users',
        transports: await sampleTransports(),
        retry: { attempts: 3, backoff: { initialMs: 100, factor: 2, maxMs: 2_000 } },
        deadLetter: true,
        metrics: true, // prom-client's global registry, served at GET /metrics below
        // Idempotent handlers (shipping) keep their processed marks in PostgreSQL: the inbox.
        idempotency: { store: new PostgresInboxStore({ database: (await sampleDatabase()).outbox }) },
      }),
    }),
    // The transactional outbox on the sample's database (PGlite unless DATABASE_URL is set); its relay runs in this app.
    NestreamOutboxModule.forRootAsync({
      useFactory: async () => ({ database: (await sampleDatabase()).outbox, createSchema: true, relay: { pollIntervalMs: 1_000 } }),
    }),
    NestreamOutboxModule.forFeature([OrderPlaced]),
    NestreamModule.forFeature([UserCreated, { contract: OnboardingStarted, transport: 'events' }]),
    NestreamMetricsModule.register(),
    TerminusModule.forRoot(),
  ],
  controllers: [UsersController, OrdersController, OnboardingHandlers, NotificationHandlers, SignupStatsHandlers, ShippingHandlers, HealthController],
  providers: [NestreamHealthIndicator],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CorrelationIdMiddleware).forRoutes('*path');
  }
}
