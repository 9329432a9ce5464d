// main.ts
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger, LoggerModule } from 'nestjs-pino';
import { NestreamModule } from 'nestream';

@Module({
  imports: [
    LoggerModule.forRoot({ pinoHttp: { level: 'debug' } }),
    NestreamModule.forRoot({
      serviceName: 'users',
      logging: { messages: true }, // a debug line per message received and handled (off by default)
    }),
  ],
})
class AppModule {}

const app = await NestFactory.create(AppModule, { bufferLogs: true });
app.useLogger(app.get(Logger)); // nestream's lines now reach pino as objects: every field is a JSON key
await app.listen(3000);
