// app.module.ts: HTTP requests' correlation ids reach the events they publish
import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { CorrelationIdMiddleware, NestreamModule } from 'nestream';

@Module({ imports: [NestreamModule.forRoot({ serviceName: 'users' })] })
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(CorrelationIdMiddleware).forRoutes('*path');
  }
}
