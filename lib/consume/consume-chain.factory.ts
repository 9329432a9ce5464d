import type { HandlerBinding } from '../config/handler-binding.js';
import type { HandlerObserver } from '../config/handler-observer.js';
import type { NestreamModuleOptions } from '../config/nestream-options.js';
import { CorrelationScope } from '../core/correlation.js';
import { ConfigurationError } from '../core/errors.js';
import type { IdempotencyStore } from '../core/idempotency-store.js';
import { composeConsume, type ConsumeNext, type MessageInterceptor } from '../core/interceptor.js';
import type { Delivery } from '../core/message.js';
import { deliveryState, type MessageContext } from '../core/message-context.js';
import type { BatchDeliveryHandler, Transport } from '../core/transport.js';
import { CorrelationInterceptor } from '../interceptors/correlation.interceptor.js';
import { DeadLetterInterceptor } from '../interceptors/dead-letter.interceptor.js';
import { IdempotencyInterceptor } from '../interceptors/idempotency.interceptor.js';
import { InboxTransactionInterceptor } from '../interceptors/inbox-transaction.interceptor.js';
import { PayloadInterceptor } from '../interceptors/payload.interceptor.js';
import { ReplyInterceptor } from '../interceptors/reply.interceptor.js';
import { RetryInterceptor } from '../interceptors/retry.interceptor.js';
import { SettleInterceptor } from '../interceptors/settle.interceptor.js';
import { UpcastInterceptor } from '../interceptors/upcast.interceptor.js';
import type { NestreamTelemetry } from '../observability/nestream-telemetry.js';
import type { MessageBus } from '../publishing/message-bus.js';
import type { PublishPipeline } from '../publishing/publish-pipeline.js';
import { BATCH_LEVEL_STEPS, inChainOrder, type ChainSteps } from './consume-chain.js';
import { handlerTerminal } from './handler-terminal.js';
import type { HandlerInvocation } from './handler-invoker.js';
import { batchRetryTarget, MessageBatch } from './message-batch.js';
import { splitRepeatedKeys } from './repeated-keys.js';

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

type Mode = 'single' | 'batch';

/**
 * Builds each handler's consume chain once, at bootstrap, in the order of CONSUME_CHAIN, for
 * single handlers and batch handlers alike: nothing is composed per message or per batch.
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

  /** Each step's interceptors for this handler (empty where a step is off). */
  steps(binding: HandlerBinding, transport: Transport, mode: Mode = binding.batch ? 'batch' : 'single'): ChainSteps {
    const telemetry = this.telemetry?.consume(binding) ?? {};
    const retry = binding.retry ? new RetryInterceptor(binding.retry, mode === 'single' && this.usesNativeRetry(binding, transport), binding.nonRetryable) : undefined;
    return {
      settle: [new SettleInterceptor(binding.ack)],
      tracing: telemetry.tracing ? [telemetry.tracing] : [],
      metrics: telemetry.metrics ? [telemetry.metrics] : [],
      correlation: [correlation],
      'message-logs': telemetry['message-logs'] ? [telemetry['message-logs']] : [],
      idempotency: binding.idempotent ? [this.idempotency(binding, mode)] : [],
      'dead-letter': binding.deadLetter ? [new DeadLetterInterceptor(binding.deadLetter, (name, message) => this.pipeline.send(name, message))] : [],
      retry: retry ? [retry] : [],
      // Batch handlers return one result for many messages: no request/reply there.
      reply: mode === 'single' ? [new ReplyInterceptor((request, result, error) => this.bus.reply(binding.transport, request, result, error))] : [],
      user: [...(this.options.interceptors ?? []), ...binding.interceptors],
      inbox: binding.idempotent && mode === 'single' ? this.inbox(binding) : [],
      upcast: binding.versions ? [new UpcastInterceptor(binding.versions, this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES)] : [],
      payload: [binding.decode ? new PayloadInterceptor(this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, binding.contract) : rawPayload],
    };
  }

  build(binding: HandlerBinding, transport: Transport, invoke: HandlerInvocation): ConsumeNext {
    const call = handlerTerminal(binding, invoke, this.observers, this.bus);
    return composeConsume(inChainOrder(this.steps(binding, transport, 'single')), (ctx) => call(ctx.payload, ctx));
  }

  /**
   * Batch mode: each message runs the chain's per-message steps on its own and then joins its
   * batch (a bad message is dead-lettered alone, a duplicate skipped alone); the batch runs the
   * method once, inside the batch-level steps (retry: the batch is retried as one unit).
   */
  buildBatch(binding: HandlerBinding, transport: Transport, invoke: HandlerInvocation, createContext: (delivery: Delivery) => MessageContext): BatchDeliveryHandler {
    const steps = this.steps(binding, transport, 'batch');
    const call = handlerTerminal(binding, invoke, this.observers, this.bus);
    const retry = steps.retry[0] as RetryInterceptor | undefined;
    const runBatch = (contexts: readonly MessageContext[]): Promise<unknown> => {
      const ids = new Set(contexts.map((ctx) => ctx.correlationId));
      // Publishes from the handler carry the batch's correlation id when its messages share one.
      const correlationId = ids.size === 1 ? contexts[0]!.correlationId : CorrelationScope.newId();
      const once = () => call(contexts.map((ctx) => ctx.payload), contexts);
      return CorrelationScope.run(correlationId, () => (retry ? retry.runInProcess(batchRetryTarget(contexts), once) : once()));
    };
    const batches = new WeakMap<MessageContext, MessageBatch>();
    const perMessage = composeConsume(
      inChainOrder(steps, (step) => !BATCH_LEVEL_STEPS.has(step)),
      (ctx) => batches.get(ctx)!.join(ctx),
    );
    const runOne = async (contexts: readonly MessageContext[]): Promise<void> => {
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
   * Single handlers: a copy arriving while the first is in flight waits for it. Batch handlers:
   * copies inside one batch are split off (splitRepeatedKeys), and copies in other batches are
   * never waited for, since two batches each waiting for the other would deadlock.
   */
  private idempotency(binding: HandlerBinding, mode: Mode): IdempotencyInterceptor {
    const ttlMs = this.options.idempotency?.ttlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS;
    return new IdempotencyInterceptor(this.idempotencyStore, ttlMs, `${binding.group}:${binding.id}`, { waitForCopiesInFlight: mode === 'single' });
  }

  /** Batch handlers keep the plain check-then-record: one transaction per message cannot hold a batch's writes. */
  private inbox(binding: HandlerBinding): MessageInterceptor[] {
    const store = this.idempotencyStore;
    if (!store.runInTransaction) return [];
    const ttlMs = this.options.idempotency?.ttlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS;
    return [new InboxTransactionInterceptor(store as Required<IdempotencyStore>, ttlMs, `${binding.group}:${binding.id}`)];
  }

  private usesNativeRetry(binding: HandlerBinding, transport: Transport): boolean {
    if (!binding.retry) return false;
    const native = transport.capabilities.nativeDelayedRedelivery;
    if (binding.retry.mode === 'native' && !native) {
      throw new ConfigurationError(`${binding.id}: retry.mode 'native' needs a transport with delayed redelivery; '${binding.transport}' (${transport.kind}) has none`);
    }
    return binding.retry.mode === 'native' || (binding.retry.mode === 'auto' && native);
  }
}
