import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { MemoryTransport } from '../../lib/index.js';
import { eventually } from '../support/poll.js';
import { bootOutboxApp, type OutboxApp } from './support/outbox-app.js';
import { Probe } from './support/probe.js';
import { inTransaction, testSchema, type TestSchema } from './support/schema.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

/** The relay's publish joins the trace of the request that wrote the event, whenever it runs. */
describe('outbox tracing', () => {
  let schema: TestSchema;
  let outbox: OutboxApp;
  let probe: Probe;
  const memory = new MemoryTransport();

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(provider);
    schema = await testSchema('tracing');
    probe = await Probe.on(memory, 'outbox.test.order-placed', 'probe');
    outbox = await bootOutboxApp({ schema: schema.name, url: schema.url, transports: { memory }, nestream: { tracing: true } });
  });
  afterAll(async () => {
    await outbox.close();
    await schema.drop();
    trace.disable();
    context.disable();
  });

  it("the producer span is a child of the span that wrote the event, and the message carries it", async () => {
    const tracer = trace.getTracer('test');
    const request = tracer.startSpan('POST /orders');
    await context.with(trace.setSpan(context.active(), request), () =>
      inTransaction(schema.pool, (client) => outbox.orders.publish(client, { orderId: 'traced', n: 0 }, { key: 'traced' })),
    );
    request.end();
    const received = await eventually('the traced event', () => probe.received.find((r) => r.payload.orderId === 'traced'));
    const send = await eventually('the producer span', () => exporter.getFinishedSpans().find((s) => s.name === 'send outbox.test.order-placed'));
    expect(send.spanContext().traceId).toBe(request.spanContext().traceId);
    expect(send.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(received.headers.traceparent).toBe(`00-${send.spanContext().traceId}-${send.spanContext().spanId}-01`);
  });
});
