// main.ts
import { NestFactory } from '@nestjs/core';
import { NestreamAsyncApi } from 'nestream';
import { AppModule } from '../quick-start/app.module.js';

const app = await NestFactory.create(AppModule);
NestreamAsyncApi.setup('/asyncapi', app, {
  title: 'users',                                   // default: serviceName
  version: '1.0.0',
  servers: { main: { host: 'kafka-1.internal:9092' } }, // optional: broker addresses to show
});
await app.listen(3000);
