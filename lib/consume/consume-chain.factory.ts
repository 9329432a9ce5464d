import { ConfigurationError } from '../core/errors.js';
import type { IdempotencyStore } from '../core/idempotency-store.js';
import { composeConsume, type ConsumeNext, type MessageInterceptor } from '../core/interceptor.js';
import { CorrelationInterceptor } from '../interceptors/correlation.interceptor.js';
import { DeadLetterInterceptor } from '../interceptors/dead-letter.interceptor.js';
import { IdempotencyInterceptor } from '../interceptors/idempotency.interceptor.js';
import { PayloadInterceptor } from '../interceptors/payload.interceptor.js';
import { RetryInterceptor } from '../interceptors/retry.interceptor.js';
import { SettleInterceptor } from '../interceptors/settle.interceptor.js';
import type { NestreamModuleOptions } from '../config/nestream-options.js';
import type { NestreamTelemetry } from '../observability/nestream-telemetry.js';
import type { MessageBus } from '../publishing/message-bus.js';
import type { PublishPipeline } from '../publishing/publish-pipeline.js';
import type { BatchDeliveryHandler, Transport } from '../core/transport.js';
import type { Delivery } from '../core/message.js';
import { deliveryState, type MessageContext } from '../core/message-context.js';
import { CorrelationScope } from '../core/correlation.js';
import type { HandlerBinding, PublishTarget } from '../config/handler-binding.js';
import { batchRetryTarget, MessageBatch } from './message-batch.js';
import { splitRepeatedKeys } from './repeated-keys.js';
import type { HandlerInvocation } from './handler-invoker.js';
import type { HandlerObserver } from '../config/handler-observer.js';

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** Shared instances: they keep no per-handler state. */
const correlation = new CorrelationInterceptor();
const rawPayload: MessageInterceptor = {
  intercept: (ctx, next) => {
    deliveryState(ctx).payload = ctx.message.body;
    return next(ctx);
  },
};

/**
 * Builds each handler's consume chain once, at bootstrap, in DESIGN.md's order:
 * settle → [tracing → metrics] → correlation → [message logs] → idempotency → dead-letter →
 * retry → user interceptors → payload (decode + validate) → Nest context → method → @Publisher
 * results. The bracketed telemetry is there only when turned on.
 */
export class ConsumeChainFactory {
  constructor(
    private readonly options: NestreamModuleOptions,
    private readonly pipeline: PublishPipeline,
    private readonly bus: MessageBus,
    private readonly idempotencyStore: IdempotencyStore,
    private readonly observers: readonly HandlerObserver[],
    private readonly telemetry?: NestreamTelemetry,
  ) {}

  build(binding: HandlerBinding, transport: Transport, invoke: HandlerInvocation): ConsumeNext {
    const interceptors = this.head(binding)(this.idempotency(binding));
    if (binding.retry) {
      interceptors.push(new RetryInterceptor(binding.retry, this.usesNativeRetry(binding, transport), binding.nonRetryable));
    }
    interceptors.push(...this.tail(binding));
    const call = this.terminal(binding, invoke);
    return composeConsume(interceptors, (ctx) => call(ctx.payload, ctx));
  }

  /**
   * Batch mode: each message runs settle → correlation → idempotency → dead-letter → user
   * interceptors → payload on its own and then joins its batch; the batch runs the method once,
   * retried in-process as one unit. See MessageBatch.
   */
  buildBatch(binding: HandlerBinding, invoke: HandlerInvocation, createContext: (delivery: Delivery) => MessageContext): BatchDeliveryHandler {
    const retry = binding.retry ? new RetryInterceptor(binding.retry, false, binding.nonRetryable) : undefined;
    const call = this.terminal(binding, invoke);
    const runBatch = (contexts: readonly MessageContext[]): Promise<unknown> => {
      const ids = new Set(contexts.map((ctx) => ctx.correlationId));
      // Publishes from the handler carry the batch's correlation id when its messages share one.
      const correlationId = ids.size === 1 ? contexts[0]!.correlationId : CorrelationScope.newId();
      const once = () => call(contexts.map((ctx) => ctx.payload), contexts);
      return CorrelationScope.run(correlationId, () => (retry ? retry.runInProcess(batchRetryTarget(contexts), once) : once()));
    };
    const batches = new WeakMap<MessageContext, MessageBatch>();
    const join: ConsumeNext = (ctx) => batches.get(ctx)!.join(ctx);
    const head = this.head(binding);
    const tail = this.tail(binding);
    const runOne = async (contexts: readonly MessageContext[]): Promise<void> => {
      // A fresh idempotency interceptor per batch: copies in other batches in flight are never
      // waited for, which could deadlock two batches that each wait for the other to finish.
      const perMessage = composeConsume([...head(this.idempotency(binding)), ...tail], join);
      const batch = new MessageBatch(contexts, runBatch);
      for (const ctx of contexts) batches.set(ctx, batch);
      await Promise.all(contexts.map((ctx) => perMessage(ctx).finally(() => batch.leave(ctx))));
    };
    return async (deliveries) => {
      // Copies of one key in one batch: the first runs with the batch, the rest after it (and are skipped).
      let rest = deliveries.map(createContext);
      while (rest.length > 0) {
        const [first, later] = binding.idempotent ? splitRepeatedKeys(rest) : [rest, []];
        await runOne(first);
        rest = later;
      }
    };
  }

  /**
   * settle → [telemetry] → correlation → [message logs] → idempotency → dead-letter: what runs
   * for each message in both modes. Built once; the idempotency step is given per chain.
   */
  private head(binding: HandlerBinding): (idempotency: MessageInterceptor | undefined) => MessageInterceptor[] {
    // Telemetry (when on): spans and metrics just inside settle, message logs just inside correlation.
    const telemetry = this.telemetry?.consume(binding);
    const before: MessageInterceptor[] = [new SettleInterceptor(binding.ack), ...(telemetry?.outer ?? []), correlation, ...(telemetry?.inner ?? [])];
    const after: MessageInterceptor[] = binding.deadLetter
      ? [new DeadLetterInterceptor(binding.deadLetter, (name, message) => this.pipeline.send(name, message))]
      : [];
    return (idempotency) => (idempotency ? [...before, idempotency, ...after] : [...before, ...after]);
  }

  /** User interceptors, then decode and validate, right before the method. */
  private tail(binding: HandlerBinding): MessageInterceptor[] {
    const payload = binding.decode ? new PayloadInterceptor(this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, binding.contract) : rawPayload;
    return [...(this.options.interceptors ?? []), ...binding.interceptors, payload];
  }

  private idempotency(binding: HandlerBinding): IdempotencyInterceptor | undefined {
    if (!binding.idempotent) return undefined;
    const ttlMs = this.options.idempotency?.ttlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS;
    return new IdempotencyInterceptor(this.idempotencyStore, ttlMs, `${binding.group}:${binding.id}`);
  }

  private usesNativeRetry(binding: HandlerBinding, transport: Transport): boolean {
    if (!binding.retry) return false;
    const native = transport.capabilities.nativeDelayedRedelivery;
    if (binding.retry.mode === 'native' && !native) {
      throw new ConfigurationError(`${binding.id}: retry.mode 'native' needs a transport with delayed redelivery; '${binding.transport}' (${transport.kind}) has none`);
    }
    return binding.retry.mode === 'native' || (binding.retry.mode === 'auto' && native);
  }

  /** The method through Nest, observers told, and its result published per @Publisher. */
  private terminal(binding: HandlerBinding, invoke: HandlerInvocation): (payload: unknown, ctx: MessageContext | readonly MessageContext[]) => Promise<unknown> {
    const observers = this.observers;
    const publishResult = (result: unknown) => Promise.all(binding.publishTo.map((target) => this.publishResult(target, result)));
    const observe = (payload: unknown, ctx: MessageContext | readonly MessageContext[], outcome: { result?: unknown; error?: unknown }): void => {
      const call = Array.isArray(ctx) ? { handler: binding.id, payload, ctx: ctx[0]!, contexts: ctx } : { handler: binding.id, payload, ctx: ctx as MessageContext };
      for (const observer of observers) observer({ ...call, ...outcome });
    };
    return async (payload, ctx) => {
      let result: unknown;
      try {
        result = await invoke(payload, ctx);
      } catch (error) {
        if (observers.length > 0) observe(payload, ctx, { error });
        throw error;
      }
      if (observers.length > 0) observe(payload, ctx, { result });
      if (result === undefined || binding.publishTo.length === 0) return result;
      // A batch handler returns one result per event it produces: each is published on its own.
      if (Array.isArray(ctx) && Array.isArray(result)) await Promise.all(result.map(publishResult));
      else await publishResult(result);
      return result;
    };
  }

  private publishResult(target: PublishTarget, result: unknown): Promise<void> {
    if (target.contract) return this.bus.publishContract(target.contract, result, { transport: target.transport });
    return this.bus.send(target.topic, result, { transport: target.transport });
  }
}
