import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { CorrelationIdMiddleware, NestreamModule } from '../lib/index.js';
import { OnboardingStarted, UserCreated } from './events.js';
import { NotificationHandlers, OnboardingHandlers } from './onboarding.handlers.js';
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
      }),
    }),
    NestreamModule.forFeature([UserCreated, { contract: OnboardingStarted, transport: 'events' }]),
  ],
  controllers: [UsersController, OnboardingHandlers, NotificationHandlers],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CorrelationIdMiddleware).forRoutes('*path');
  }
}
