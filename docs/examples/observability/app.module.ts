// app.module.ts
import { Module } from '@nestjs/common';
import { NestreamModule } from 'nestream';

@Module({
  imports: [
    NestreamModule.forRoot({
      serviceName: 'users',
      metrics: true,                   // prom-client (optional peer): npm install prom-client
      tracing: true,                   // @opentelemetry/api (optional peer): npm install @opentelemetry/api
      logging: { messages: true },     // per-message debug lines (off by default)
    }),
  ],
})
export class AppModule {}
