import 'reflect-metadata';
import { Controller, Module, type INestApplication, type LoggerService, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  MessageBus,
  NESTREAM_TELEMETRY,
  NestreamModule,
  Subscriber,
  TransportRegistry,
  type MemoryTransport,
  type NestreamModuleOptions,
  type NestreamTelemetry,
} from '../../lib/index.js';
import { eventually } from '../support/app-harness.js';

interface Line {
  level: string;
  /** The text; a non-console logger gets an object `{ msg, ...fields }` whose string is the text. */
  message: string;
  context?: string;
  stack?: string;
}

/** A logger adapter as pino or winston would plug in, keeping every line. */
class CapturingLogger implements LoggerService {
  readonly lines: Line[] = [];
  log = (message: unknown, context?: string) => void this.lines.push({ level: 'log', message: String(message), context });
  warn = (message: unknown, context?: string) => void this.lines.push({ level: 'warn', message: String(message), context });
  debug = (message: unknown, context?: string) => void this.lines.push({ level: 'debug', message: String(message), context });
  verbose = (message: unknown, context?: string) => void this.lines.push({ level: 'verbose', message: String(message), context });
  error = (message: unknown, stack?: string, context?: string) =>
    void this.lines.push({ level: 'error', message: String(message), stack: stack ?? (message as { error?: { stack?: string } }).error?.stack, context });
  nestream(level: string): Line[] {
    return this.lines.filter((line) => line.level === level && line.context === 'Nestream' && !line.message.includes('subscribed to'));
  }
}

const fast = { attempts: 2, backoff: { initialMs: 1, factor: 1, maxMs: 1, jitter: 0 } };
let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function boot(logger: LoggerService | false | ('log' | 'warn' | 'error' | 'debug')[], options: Partial<NestreamModuleOptions>, handlers: Type[]) {
  @Module({ imports: [NestreamModule.forRoot({ serviceName: 'logs', retry: fast, ...options })], providers: handlers })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  app = moduleRef.createNestApplication({ logger });
  await app.init();
  return app.get(MessageBus);
}

@Controller()
class Handlers {
  @Subscriber('l.ok')
  ok() {}

  @Subscriber('l.bad')
  bad() {
    throw new Error('card declined');
  }
}

describe('message logs', () => {
  it('logs a debug line when a message is received and when it is handled, with its ids and no payload', async () => {
    const logger = new CapturingLogger();
    const bus = await boot(logger, { logging: { messages: true } }, [Handlers]);
    await bus.publish('l.ok', { email: 'private@example.com' }, { messageId: 'm-42', headers: { correlation_id: 'c-42' } });
    await eventually(() => logger.nestream('debug').length === 2, 'two debug lines');
    const [received, handled] = logger.nestream('debug').map((line) => line.message);
    expect(received).toBe('received event_type=l.ok event_id=m-42 correlation_id=c-42 topic=l.ok transport=memory handler=Handlers.ok attempt=1');
    expect(handled).toMatch(/^handled event_type=l\.ok event_id=m-42 correlation_id=c-42 topic=l\.ok transport=memory handler=Handlers\.ok attempt=1 outcome=acked duration_ms=\d+\.\d$/);
    expect(logger.lines.map((line) => line.message).join('\n')).not.toContain('private@example.com');
  });

  it('adds the payload only when asked to', async () => {
    const logger = new CapturingLogger();
    const bus = await boot(logger, { logging: { messages: true, payloads: true } }, [Handlers]);
    await bus.publish('l.ok', { email: 'private@example.com' });
    await eventually(() => logger.nestream('debug').length === 2, 'two debug lines');
    expect(logger.nestream('debug')[0]!.message).toContain('payload={"email":"private@example.com"}');
  });

  it('warns on each retry and logs the dead letter as an error, with the error and its stack', async () => {
    const logger = new CapturingLogger();
    const bus = await boot(logger, { logging: { messages: true } }, [Handlers]);
    await bus.publish('l.bad', { secret: 'do-not-log' }, { messageId: 'm-7' });
    await eventually(() => logger.nestream('error').length === 1, 'the dead-letter error');
    const warnings = logger.nestream('warn').map((line) => line.message);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/Handlers\.bad failed on l\.bad \(attempt 1\/2\): card declined; retrying in \d+ ms/);
    const [deadLetter] = logger.nestream('error');
    expect(deadLetter!.message).toContain('Handlers.bad dead-lettered message m-7 (l.bad) of l.bad to l.bad.dlq after 2 attempt(s): Error: card declined');
    expect(deadLetter!.stack).toContain('card declined');
    await eventually(() => logger.nestream('debug').some((line) => line.message.startsWith('handled')), 'the handled line');
    expect(logger.nestream('debug').find((line) => line.message.startsWith('handled'))!.message).toContain('attempt=2 outcome=dead_lettered');
    expect(logger.lines.map((line) => line.message).join('\n')).not.toContain('do-not-log');
  });

  it('adds no per-message logging by default, nor on auto when the app logs no debug', async () => {
    await boot(['log', 'warn', 'error', 'debug'], {}, [Handlers]);
    expect(app!.get<NestreamTelemetry>(NESTREAM_TELEMETRY).consume({ id: 'Handlers.ok', transport: 'memory' })['message-logs']).toBeUndefined();
    await app!.close();

    await boot(['log', 'warn', 'error'], { logging: { messages: 'auto' } }, [Handlers]);
    expect(app!.get<NestreamTelemetry>(NESTREAM_TELEMETRY).consume({ id: 'Handlers.ok', transport: 'memory' })['message-logs']).toBeUndefined();
    await app!.close();

    const logger = new CapturingLogger();
    const bus = await boot(logger, { logging: { messages: false } }, [Handlers]);
    await bus.publish('l.ok', {});
    await (app!.get(TransportRegistry).get('memory') as MemoryTransport).whenIdle();
    expect(logger.nestream('debug')).toEqual([]);
  });
});
