import { Controller } from '@nestjs/common';
import { context, createTraceState, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { MessageBus, Subscriber, type MessageContext } from '../../lib/index.js';
import { CaseApps, topicFor, until } from './harness.js';
import type { ConformanceTarget } from './target.js';

/** Observability on the wire: W3C trace context survives the broker's header mapping. */
export function observabilityCases(target: ConformanceTarget, apps: CaseApps): void {
  const opts = target.subscribeOptions ?? {};
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  beforeAll(() => void context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()));
  afterAll(() => context.disable());

  it('carries traceparent and tracestate to the consumer, whose span is the child of the producer span in the same trace', async () => {
    const topic = topicFor('trace');
    const got: MessageContext[] = [];
    @Controller()
    class Traced {
      @Subscriber(topic, { transport: 't', transportOptions: opts })
      handle(_: unknown, ctx: MessageContext) {
        got.push(ctx);
      }
    }
    exporter.reset();
    const app = await apps.boot([Traced], { tracing: { tracerProvider: provider } });
    // An upstream caller's context, with vendor trace state that must travel along.
    const upstream = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED, isRemote: true, traceState: createTraceState('vendor=abc') };
    await context.with(trace.setSpanContext(context.active(), upstream), () => app.get(MessageBus).publish(topic, { traced: true }, { transport: 't' }));
    await until(target, () => exporter.getFinishedSpans().some((s) => s.name === `process ${topic}`), 'the consumer span');

    const send = exporter.getFinishedSpans().find((s) => s.name === `send ${topic}`)!;
    const process = exporter.getFinishedSpans().find((s) => s.name === `process ${topic}`)!;
    const traceId = upstream.traceId;
    expect(got[0]!.headers.traceparent).toBe(`00-${traceId}-${send.spanContext().spanId}-01`);
    expect(got[0]!.headers.tracestate).toBe('vendor=abc');
    expect(send.parentSpanContext?.spanId).toBe(upstream.spanId);
    expect(process.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
    expect(process.spanContext().traceId).toBe(traceId);
    expect(process.attributes['messaging.destination.name']).toBe(topic);
  });
}
