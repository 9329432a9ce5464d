import { ConfigurationError } from '../core/errors.js';
import type { IdempotencyStore } from '../core/idempotency-store.js';
import { composeConsume, type ConsumeNext, type MessageInterceptor } from '../core/interceptor.js';
import { CorrelationInterceptor } from '../interceptors/correlation.interceptor.js';
import { DeadLetterInterceptor } from '../interceptors/dead-letter.interceptor.js';
import { IdempotencyInterceptor } from '../interceptors/idempotency.interceptor.js';
import { PayloadInterceptor } from '../interceptors/payload.interceptor.js';
import { RetryInterceptor } from '../interceptors/retry.interceptor.js';
import { SettleInterceptor } from '../interceptors/settle.interceptor.js';
import type { NestreamModuleOptions } from '../module/nestream-options.js';
import type { MessageBus } from '../publishing/message-bus.js';
import type { PublishPipeline } from '../publishing/publish-pipeline.js';
import type { Transport } from '../transports/transport.js';
import type { HandlerBinding, PublishTarget } from './handler-binding.js';
import type { HandlerInvocation } from './handler-invoker.js';
import type { HandlerObserver } from './handler-observer.js';

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** Shared instances: they keep no per-handler state. */
const correlation = new CorrelationInterceptor();
const rawPayload: MessageInterceptor = {
  intercept: (ctx, next) => {
    ctx.payload = ctx.message.body;
    return next(ctx);
  },
};

/**
 * Builds each handler's consume chain once, at bootstrap, in DESIGN.md's order:
 * settle → correlation → idempotency → dead-letter → retry → user interceptors → payload
 * (decode + validate) → Nest context → method → @Publisher results.
 */
export class ConsumeChainFactory {
  constructor(
    private readonly options: NestreamModuleOptions,
    private readonly pipeline: PublishPipeline,
    private readonly bus: MessageBus,
    private readonly idempotencyStore: IdempotencyStore,
    private readonly observers: readonly HandlerObserver[],
  ) {}

  build(binding: HandlerBinding, transport: Transport, invoke: HandlerInvocation): ConsumeNext {
    const interceptors: MessageInterceptor[] = [new SettleInterceptor(binding.ack), correlation];
    if (binding.idempotent) {
      const ttlMs = this.options.idempotency?.ttlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS;
      interceptors.push(new IdempotencyInterceptor(this.idempotencyStore, ttlMs, `${binding.group}:${binding.id}`));
    }
    if (binding.deadLetter) {
      interceptors.push(new DeadLetterInterceptor(binding.deadLetter, (name, message) => this.pipeline.send(name, message)));
    }
    if (binding.retry) {
      interceptors.push(new RetryInterceptor(binding.retry, this.usesNativeRetry(binding, transport), binding.nonRetryable));
    }
    interceptors.push(...(this.options.interceptors ?? []), ...binding.interceptors);
    if (binding.decode) interceptors.push(new PayloadInterceptor(this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, binding.contract));
    else interceptors.push(rawPayload);
    return composeConsume(interceptors, this.terminal(binding, invoke));
  }

  private usesNativeRetry(binding: HandlerBinding, transport: Transport): boolean {
    if (!binding.retry) return false;
    const native = transport.capabilities.nativeDelayedRedelivery;
    if (binding.retry.mode === 'native' && !native) {
      throw new ConfigurationError(`${binding.id}: retry.mode 'native' needs a transport with delayed redelivery; '${binding.transport}' (${transport.kind}) has none`);
    }
    return binding.retry.mode === 'native' || (binding.retry.mode === 'auto' && native);
  }

  private terminal(binding: HandlerBinding, invoke: HandlerInvocation): ConsumeNext {
    const observers = this.observers;
    const publishResult = (result: unknown) => Promise.all(binding.publishTo.map((target) => this.publishResult(target, result)));
    return async (ctx) => {
      let result: unknown;
      try {
        result = await invoke(ctx.payload, ctx);
      } catch (error) {
        for (const observe of observers) observe({ handler: binding.id, payload: ctx.payload, ctx, error });
        throw error;
      }
      for (const observe of observers) observe({ handler: binding.id, payload: ctx.payload, ctx, result });
      if (result !== undefined && binding.publishTo.length > 0) await publishResult(result);
      return result;
    };
  }

  private publishResult(target: PublishTarget, result: unknown): Promise<void> {
    if (target.contract) return this.bus.publishContract(target.contract, result, { transport: target.transport });
    return this.bus.send(target.topic, result, { transport: target.transport });
  }
}
