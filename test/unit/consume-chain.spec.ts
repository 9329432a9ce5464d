import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { Registry } from 'prom-client';
import type { HandlerBinding } from '../../lib/config/handler-binding.js';
import { TransportRegistry } from '../../lib/config/transport-registry.js';
import { CONSUME_CHAIN, inChainOrder, BATCH_LEVEL_STEPS } from '../../lib/consume/consume-chain.js';
import { ConsumeChainFactory } from '../../lib/consume/consume-chain.factory.js';
import type { MessageInterceptor } from '../../lib/core/interceptor.js';
import { MemoryIdempotencyStore } from '../../lib/interceptors/memory-idempotency-store.js';
import { MemoryTransport } from '../../lib/index.js';
import { NestreamTelemetry } from '../../lib/observability/nestream-telemetry.js';
import type { MessageBus } from '../../lib/publishing/message-bus.js';
import type { PublishPipeline } from '../../lib/publishing/publish-pipeline.js';
import { VersionPlan } from '../../lib/core/version-plan.js';

const userInterceptor: MessageInterceptor = { intercept: (ctx, next) => next(ctx) };

/** A handler with every step turned on. */
const binding = (batch: HandlerBinding['batch']): HandlerBinding => ({
  id: 'Orders.placed',
  topic: 'orders.placed',
  transport: 'memory',
  group: 'g',
  concurrency: 1,
  batch,
  decode: true,
  versions: new VersionPlan({ name: 'orders.placed', version: 'v2', target: class OrderPlacedV2 {} }, []),
  retry: { attempts: 3, backoff: { initialMs: 1, factor: 1, maxMs: 1, jitter: 0 }, mode: 'in-process' },
  deadLetter: { topic: 'orders.placed.dlq', transport: 'memory' },
  idempotent: true,
  ack: 'after',
  nonRetryable: [],
  interceptors: [userInterceptor],
  transportOptions: {},
  publishTo: [],
});

async function factory(): Promise<{ chains: ConsumeChainFactory; transport: MemoryTransport }> {
  const transport = new MemoryTransport();
  const registry = new TransportRegistry({ memory: transport }, () => transport);
  const options = {
    serviceName: 'orders',
    metrics: { registry: new Registry() },
    tracing: { tracerProvider: new BasicTracerProvider() },
    logging: { messages: true },
  };
  const telemetry = await NestreamTelemetry.create(options, registry);
  // The chain's publishing collaborators are only called when a message flows; none does here.
  const chains = new ConsumeChainFactory(options, {} as PublishPipeline, {} as MessageBus, new MemoryIdempotencyStore(), [], telemetry);
  return { chains, transport };
}

const names = (interceptors: readonly MessageInterceptor[]) => interceptors.map((i) => (i === userInterceptor ? 'user' : i.constructor.name));

/** The interceptors of a single handler with every step on (no inbox: the memory store has no transactions), outermost first. */
const EVERY_STEP_ON = [
  'SettleInterceptor',
  'ConsumeTracingInterceptor',
  'ConsumeMetricsInterceptor',
  'CorrelationInterceptor',
  'MessageLoggingInterceptor',
  'IdempotencyInterceptor',
  'DeadLetterInterceptor',
  'RetryInterceptor',
  'ReplyInterceptor',
  'user',
  'UpcastInterceptor',
  'PayloadInterceptor',
];

describe('the consume chain', () => {
  it('is one ordered list, outermost first', () => {
    expect(CONSUME_CHAIN).toEqual(['settle', 'tracing', 'metrics', 'correlation', 'message-logs', 'idempotency', 'dead-letter', 'retry', 'reply', 'user', 'inbox', 'upcast', 'payload']);
  });

  it('a single handler with everything on gets each step in that order', async () => {
    const { chains, transport } = await factory();
    expect(names(inChainOrder(chains.steps(binding(false), transport)))).toEqual(EVERY_STEP_ON);
  });

  it('a batch handler follows the same list: each message runs every step but retry, which runs around the batch', async () => {
    const { chains, transport } = await factory();
    const steps = chains.steps(binding({ maxSize: 10, maxWaitMs: 5 }), transport);
    expect([...BATCH_LEVEL_STEPS]).toEqual(['retry']);
    expect(names(inChainOrder(steps, (step) => !BATCH_LEVEL_STEPS.has(step)))).toEqual(EVERY_STEP_ON.filter((name) => name !== 'RetryInterceptor' && name !== 'ReplyInterceptor'));
    expect(steps.reply).toEqual([]); // a batch handler answers no requests
    expect(names(steps.retry)).toEqual(['RetryInterceptor']);
  });

  it('steps that are off add nothing', async () => {
    const { chains, transport } = await factory();
    const off: HandlerBinding = { ...binding(false), retry: false, deadLetter: false, idempotent: false, interceptors: [], versions: undefined };
    const withoutTelemetry = new ConsumeChainFactory({ serviceName: 'orders' }, {} as PublishPipeline, {} as MessageBus, new MemoryIdempotencyStore(), []);
    expect(names(inChainOrder(withoutTelemetry.steps(off, transport)))).toEqual(['SettleInterceptor', 'CorrelationInterceptor', 'ReplyInterceptor', 'PayloadInterceptor']);
    expect(names(inChainOrder(chains.steps(off, transport)))).toHaveLength(7);
  });
});
