import 'reflect-metadata';
import { Controller, type INestApplication } from '@nestjs/common';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { MemoryTransport, MessageBus, MessageContext, Publisher, Subscriber, TransportRegistry } from '../../lib/index.js';
import { bootApp, eventually } from '../support/app-harness.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const contextManager = new AsyncLocalStorageContextManager();
const fast = { attempts: 2, backoff: { initialMs: 1, factor: 1, maxMs: 1, jitter: 0 } };

let app: INestApplication | undefined;
beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(provider);
});
afterAll(() => {
  trace.disable();
  context.disable();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  exporter.reset();
});

const span = (name: string): ReadableSpan => {
  const found = exporter.getFinishedSpans().filter((s) => s.name === name);
  if (found.length !== 1) throw new Error(`expected one span '${name}', got ${found.length}: ${exporter.getFinishedSpans().map((s) => s.name).join(', ')}`);
  return found[0]!;
};
const spanId = (s: ReadableSpan) => s.spanContext().spanId;
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

describe('tracing', () => {
  it('makes HTTP request → publish → consume → publish → consume one trace, each span the child of the one before', async () => {
    const seen: MessageContext[] = [];
    @Controller()
    class Flow {
      @Subscriber('t.created', { transport: 'main', group: 'onboarding' })
      @Publisher('t.started', { transport: 'events' })
      onCreated(payload: { userId: number }, ctx: MessageContext) {
        seen.push(ctx);
        return { userId: payload.userId };
      }

      @Subscriber('t.started', { transport: 'events', group: 'notifications' })
      onStarted(_: unknown, ctx: MessageContext) {
        seen.push(ctx);
      }
    }
    app = await bootApp({ transports: { main: new MemoryTransport(), events: new MemoryTransport() }, tracing: true }, [Flow]);
    const bus = app.get(MessageBus);

    // What HTTP instrumentation does around a request: a SERVER span, active while it is served.
    const http = provider.getTracer('http').startSpan('POST /users', { kind: SpanKind.SERVER });
    await context.with(trace.setSpan(context.active(), http), () => bus.publish('t.created', { userId: 7 }, { transport: 'main', messageId: 'm-1', headers: { correlation_id: 'c-1' } }));
    http.end();
    await eventually(() => exporter.getFinishedSpans().length === 5, 'five spans');

    const sendCreated = span('send t.created');
    const processCreated = span('process t.created');
    const sendStarted = span('send t.started');
    const processStarted = span('process t.started');
    const traceId = http.spanContext().traceId;
    for (const s of [sendCreated, processCreated, sendStarted, processStarted]) expect(s.spanContext().traceId).toBe(traceId);
    expect(parentOf(sendCreated)).toBe(http.spanContext().spanId);
    expect(parentOf(processCreated)).toBe(spanId(sendCreated));
    expect(parentOf(sendStarted)).toBe(spanId(processCreated));
    expect(parentOf(processStarted)).toBe(spanId(sendStarted));

    expect(sendCreated.kind).toBe(SpanKind.PRODUCER);
    expect(sendCreated.attributes).toMatchObject({
      'messaging.system': 'memory',
      'messaging.destination.name': 't.created',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.message.id': 'm-1',
      'messaging.message.conversation_id': 'c-1',
    });
    expect(processCreated.kind).toBe(SpanKind.CONSUMER);
    expect(processCreated.attributes).toMatchObject({
      'messaging.system': 'memory',
      'messaging.destination.name': 't.created',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.message.id': 'm-1',
      'messaging.message.conversation_id': 'c-1',
      'messaging.consumer.group.name': 'onboarding',
      'messaging.message.body.size': Buffer.byteLength(JSON.stringify({ userId: 7 })),
      'nestream.outcome': 'acked',
    });
    expect(processCreated.status.code).not.toBe(SpanStatusCode.ERROR);
    // W3C trace context in the headers the handler received.
    expect(seen[0]!.headers.traceparent).toBe(`00-${traceId}-${spanId(sendCreated)}-01`);
    expect(seen[1]!.headers.traceparent).toBe(`00-${traceId}-${spanId(sendStarted)}-01`);
  });

  it('marks a dead-lettered message’s span as an error, and its dead letter’s send span as its child', async () => {
    @Controller()
    class Failing {
      @Subscriber('t.bad', { retry: fast })
      handle() {
        throw new Error('boom');
      }
    }
    app = await bootApp({ tracing: { tracerProvider: provider } }, [Failing]);
    await app.get(MessageBus).publish('t.bad', {});
    await eventually(() => exporter.getFinishedSpans().some((s) => s.name === 'process t.bad'), 'the consumer span');

    const processed = span('process t.bad');
    expect(processed.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Error: boom' });
    expect(processed.attributes).toMatchObject({ 'nestream.outcome': 'dead_lettered', 'nestream.attempt': 2, 'nestream.retries': 1 });
    expect(processed.events.map((e) => e.name)).toContain('exception');
    expect(parentOf(span('send t.bad.dlq'))).toBe(spanId(processed));
  });

  it('starts a new trace for a message that arrives without trace context', async () => {
    const got: MessageContext[] = [];
    @Controller()
    class Reader {
      @Subscriber('t.raw')
      handle(_: unknown, ctx: MessageContext) {
        got.push(ctx);
      }
    }
    app = await bootApp({ tracing: true }, [Reader]);
    // Straight on the transport, as a producer without nestream would send it.
    await app.get(TransportRegistry).get('memory').publish({ topic: 't.raw', body: Buffer.from('{}'), headers: {} });
    await eventually(() => exporter.getFinishedSpans().length === 1, 'the consumer span');
    expect(span('process t.raw').parentSpanContext).toBeUndefined();
    expect(got[0]!.headers.traceparent).toBeUndefined();
  });

  it('records a refused publish as an error span', async () => {
    app = await bootApp({ tracing: true }, []);
    const bus = app.get(MessageBus);
    await bus.publish('t.ok', {});
    await app.get(TransportRegistry).get('memory').close();
    await expect(bus.publish('t.refused', {})).rejects.toThrow();
    expect(span('send t.refused').status.code).toBe(SpanStatusCode.ERROR);
    expect(span('send t.ok').status.code).not.toBe(SpanStatusCode.ERROR);
  });
});
