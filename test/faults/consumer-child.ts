// One consumer process for the fault suite's kill and SIGTERM cases: a Nest app on a private
// broker, printing `ready`, then `start <i>` and `done <i>` around each handler.
// Usage: consumer-child.ts <targets module> <target> <address> <topic> <group> <handlerMs> <shutdownTimeoutMs>
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { pathToFileURL } from 'node:url';
import { NestreamModule, Subscriber } from '../../lib/index.js';
import type { FaultTarget } from './fault-targets.js';

type ChildTarget = Pick<FaultTarget, 'create' | 'subscribeOptions'>;

const [targetsModule, name, address, topic, group, handlerMs, shutdownTimeoutMs] = process.argv.slice(2) as [string, string, string, string, string, string, string];
// The fault suite's targets or the cluster suite's: any module exporting targetNamed(name).
const { targetNamed } = (await import(pathToFileURL(targetsModule).href)) as { targetNamed(name: string): ChildTarget };
const target = targetNamed(name);

@Controller()
class ChildHandler {
  @Subscriber(topic, { transport: 't', group, concurrency: 8, transportOptions: target.subscribeOptions ?? {} })
  async handle(payload: { i: number }) {
    process.stdout.write(`start ${payload.i}\n`);
    if (Number(handlerMs) > 0) await new Promise((resolve) => setTimeout(resolve, Number(handlerMs)));
    process.stdout.write(`done ${payload.i}\n`);
  }
}

@Module({
  imports: [NestreamModule.forRoot({ serviceName: 'fault-child', shutdownTimeoutMs: Number(shutdownTimeoutMs), transports: { t: target.create(address) } })],
  controllers: [ChildHandler],
})
class ChildModule {}

const app = await NestFactory.createApplicationContext(ChildModule, { logger: ['error'] });
app.enableShutdownHooks();
process.stdout.write('ready\n');
