// A relay in a process of its own (the "own process" deployment), for the crash test: no HTTP,
// no handlers, only NestreamModule and the outbox relay. Each publish waits `delayMs`, so a
// batch is long enough for a SIGKILL to land in its middle. Prints `ready` once relaying.
// Usage: relay-child.ts <database url> <schema> <delay ms>
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestreamModule } from '../../../lib/index.js';
import { NestreamOutboxModule, pgDatabase } from '../../../lib/outbox/index.js';
import { redisStreams } from './transports.js';

const [url, schema, delayMs] = process.argv.slice(2) as [string, string, string];
const slow = { interceptPublish: async (m: unknown, info: unknown, next: (m: never, i: never) => Promise<void>) => {
  await new Promise((resolve) => setTimeout(resolve, Number(delayMs)));
  await next(m as never, info as never);
} };

@Module({
  imports: [
    NestreamModule.forRoot({ serviceName: 'relay-child', transports: { redis: redisStreams() }, interceptors: [slow] }),
    NestreamOutboxModule.forRoot({ database: pgDatabase({ connectionString: url }), schema, relay: { batchSize: 10, perKey: 10, pollIntervalMs: 200 } }),
  ],
})
class RelayModule {}

await NestFactory.createApplicationContext(RelayModule, { logger: ['error'] });
process.stdout.write('ready\n');
