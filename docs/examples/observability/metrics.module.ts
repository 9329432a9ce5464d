// app.module.ts: GET /metrics
import { Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { NestreamMetricsModule, NestreamModule } from 'nestream';

@Module({
  imports: [
    NestreamModule.forRoot({ serviceName: 'users', metrics: { registry: new Registry(), prefix: 'users_' } }),
    NestreamMetricsModule.register(),   // or .register({ path: 'internal/metrics' })
  ],
})
export class AppModule {}
