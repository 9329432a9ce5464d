import 'reflect-metadata';
import { Writable } from 'node:stream';
import { Catch, Controller, Module, UseFilters, type ArgumentsHost, type ExceptionFilter, type INestApplication, type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it } from '@jest/globals';
import { LoggerModule, Logger as PinoNestLogger } from 'nestjs-pino';
import { MessageBus, NestreamModule, Subscriber } from '../../lib/index.js';
import { eventually } from '../support/app-harness.js';

const fast = { attempts: 3, backoff: { initialMs: 1, factor: 1, maxMs: 1, jitter: 0 } };
let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

@Controller()
class Handlers {
  @Subscriber('s.ok')
  ok() {}

  @Subscriber('s.bad')
  bad() {
    throw new Error('card declined');
  }
}

/** Every JSON line pino writes, parsed. */
class JsonLines extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  }
  nestream(): Record<string, unknown>[] {
    return this.lines.filter((line) => line['context'] === 'Nestream' && !String(line['msg']).includes('subscribed to'));
  }
}

// nestjs-pino keeps its first root logger for the process, so every app of this file writes here.
const out = new JsonLines();

async function bootWithPino(): Promise<MessageBus> {
  out.lines.length = 0;
  @Module({
    imports: [
      LoggerModule.forRoot({ pinoHttp: [{ level: 'debug' }, out] }),
      NestreamModule.forRoot({ serviceName: 'pino-logs', retry: fast, logging: { messages: true } }),
    ],
    providers: [Handlers],
  })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  app = moduleRef.createNestApplication({ bufferLogs: true });
  app.useLogger(app.get(PinoNestLogger));
  await app.init();
  return app.get(MessageBus);
}

describe('structured log fields (nestjs-pino)', () => {
  it('writes the message fields as JSON keys on the per-message lines', async () => {
    const bus = await bootWithPino();
    await bus.publish('s.ok', { a: 1 }, { messageId: 'm-1', headers: { correlation_id: 'c-1' } });
    await eventually(() => out.nestream().filter((line) => line['outcome'] === 'acked').length === 1, 'the handled line');
    const received = out.nestream().find((line) => String(line['msg']).startsWith('received'))!;
    expect(received).toMatchObject({
      level: 20,
      event_type: 's.ok',
      event_id: 'm-1',
      correlation_id: 'c-1',
      topic: 's.ok',
      transport: 'memory',
      handler: 'Handlers.ok',
      attempt: 1,
    });
    const handled = out.nestream().find((line) => line['outcome'] === 'acked')!;
    expect(handled).toMatchObject({ event_id: 'm-1', correlation_id: 'c-1', handler: 'Handlers.ok' });
    expect(typeof handled['duration_ms']).toBe('number');
  });

  it('writes retries and the dead letter with the error as fields, the stack only on the dead letter', async () => {
    const bus = await bootWithPino();
    await bus.publish('s.bad', {}, { messageId: 'm-2', headers: { correlation_id: 'c-2' } });
    await eventually(() => out.nestream().some((line) => line['outcome'] === 'dead-lettered'), 'the dead-letter line');
    const retries = out.nestream().filter((line) => line['outcome'] === 'retry');
    expect(retries).toHaveLength(2);
    expect(retries[0]).toMatchObject({
      level: 40,
      event_id: 'm-2',
      correlation_id: 'c-2',
      topic: 's.bad',
      handler: 'Handlers.bad',
      attempt: 1,
      error: { name: 'Error', message: 'card declined' },
    });
    expect((retries[0]!['error'] as Record<string, unknown>)['stack']).toBeUndefined();
    const deadLetter = out.nestream().find((line) => line['outcome'] === 'dead-lettered')!;
    expect(deadLetter).toMatchObject({ level: 50, event_id: 'm-2', attempt: 3, reason: 'handler-failed', dead_letter_topic: 's.bad.dlq' });
    expect((deadLetter['error'] as Record<string, unknown>)['stack']).toContain('card declined');
    // Nest's own exception line is gone: nestream logged this error, once per attempt.
    expect(out.lines.filter((line) => line['context'] === 'ExceptionsHandler')).toEqual([]);
  });
});

interface Line {
  level: string;
  message: string;
  context?: string;
}

/** A logger that keeps the text of each line and the context it was logged under. */
class CapturingLogger implements LoggerService {
  readonly lines: Line[] = [];
  log = (message: unknown, ...rest: unknown[]) => this.keep('log', message, rest);
  warn = (message: unknown, ...rest: unknown[]) => this.keep('warn', message, rest);
  debug = (message: unknown, ...rest: unknown[]) => this.keep('debug', message, rest);
  error = (message: unknown, ...rest: unknown[]) => this.keep('error', message, rest);
  private keep(level: string, message: unknown, rest: unknown[]): void {
    this.lines.push({ level, message: String(message), context: rest.at(-1) as string | undefined });
  }
}

const caught: string[] = [];

@Catch()
class RecordingFilter implements ExceptionFilter {
  catch(exception: Error, _host: ArgumentsHost): void {
    caught.push(exception.message);
    throw exception;
  }
}

@Controller()
class FilteredHandlers {
  @Subscriber('s.filtered')
  @UseFilters(RecordingFilter)
  filtered() {
    throw new Error('filtered failure');
  }
}

describe('handler errors are logged once', () => {
  it("prints no [ExceptionsHandler] line of Nest's, yet runs the app's own exception filters", async () => {
    const logger = new CapturingLogger();
    @Module({ imports: [NestreamModule.forRoot({ serviceName: 'once', retry: fast })], providers: [Handlers, FilteredHandlers] })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger });
    await app.init();
    const bus = app.get(MessageBus);
    await bus.publish('s.bad', {});
    await bus.publish('s.filtered', {});
    const deadLetters = () => logger.lines.filter((line) => line.level === 'error' && line.message.includes('dead-lettered'));
    await eventually(() => deadLetters().length === 2, 'both dead letters');
    expect(logger.lines.filter((line) => line.context === 'ExceptionsHandler')).toEqual([]);
    expect(logger.lines.filter((line) => line.level === 'warn' && line.context === 'Nestream')).toHaveLength(4);
    expect(caught).toEqual(['filtered failure', 'filtered failure', 'filtered failure']);
    expect(logger.lines.filter((line) => line.level === 'debug' && line.context === 'Nestream' && /^(received|handled) /.test(line.message))).toEqual([]);
  });
});
