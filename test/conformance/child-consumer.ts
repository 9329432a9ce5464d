// One consumer process for the two-process conformance case: prints `ready`, then each
// handled id on its own line. Usage: child-consumer.ts <target> <topic> <group>
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestreamModule, Subscriber } from '../../lib/index.js';
import { loadTarget } from './targets.js';

const [targetName, topic, group] = process.argv.slice(2) as [string, string, string];
const target = await loadTarget(targetName);

@Controller()
class ChildHandler {
  @Subscriber(topic, { transport: 't', group, transportOptions: target.subscribeOptions ?? {} })
  handle(payload: { i: number }) {
    process.stdout.write(`${payload.i}\n`);
  }
}

@Module({ imports: [NestreamModule.forRoot({ serviceName: 'child', transports: { t: target.create() } })], controllers: [ChildHandler] })
class ChildModule {}

const app = await NestFactory.createApplicationContext(ChildModule, { logger: ['error'] });
app.enableShutdownHooks();
process.stdout.write('ready\n');
