// app.module.ts
import { Module } from '@nestjs/common';
import { NestreamModule } from 'nestream';
import { KafkaTransport } from 'nestream/kafka';
import { DeadLetterAdmin } from './dead-letter-admin.js';

// DeadLetters comes with NestreamModule: inject it anywhere, or use `npx nestream dlq` with this module.
@Module({
  imports: [
    NestreamModule.forRoot({
      serviceName: 'orders',
      transports: { kafka: new KafkaTransport({ brokers: ['127.0.0.1:9092'] }) },
      retry: { attempts: 5 },
    }),
  ],
  providers: [DeadLetterAdmin],
})
export class AppModule {}
