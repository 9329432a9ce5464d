import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CorrelationIdMiddleware, NestreamMetricsModule, NestreamModule } from '../lib/index.js';
import { NestreamHealthIndicator } from '../lib/health/index.js';
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
      }),
    }),
    NestreamModule.forFeature([UserCreated, { contract: OnboardingStarted, transport: 'events' }]),
    NestreamMetricsModule.register(),
    TerminusModule.forRoot(),
  ],
  controllers: [UsersController, OnboardingHandlers, NotificationHandlers, SignupStatsHandlers, HealthController],
  providers: [NestreamHealthIndicator],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CorrelationIdMiddleware).forRoutes('*path');
  }
}
