import { NackMessage, NonRetryableError, SettleSignal, type ErrorClass } from '../core/errors.js';
import type { ConsumeNext, MessageInterceptor } from '../core/interceptor.js';
import { NestreamLogger } from '../core/logger.js';
import { errorFields, messageFields } from '../core/log-fields.js';
import { deliveryState, type MessageContext } from '../core/message-context.js';
import type { ResolvedRetry } from '../config/handler-binding.js';
import { backoffDelay } from '../core/backoff.js';

/** While waiting in-process, tell the broker the message is still being worked on this often. */
const KEEP_ALIVE_MS = 5_000;

/** The global timer (not timers/promises), so fake timers in users' tests control retries too. */
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What the retry loop needs of the unit it runs again: one delivery's state, or a whole batch. */
export interface RetryTarget {
  readonly handler: string;
  readonly topic: string;
  readonly attempt: number;
  setAttempt(attempt: number): void;
  recordFailure(): void;
  /** Counts a scheduled retry (for metrics); a MessageContext has it. */
  recordRetry?(): void;
  touch(): Promise<void>;
}

/**
 * Runs the handler again after retryable failures, `attempts` runs in all, waiting per the
 * backoff schedule. In-process it waits while holding the message (touching it so the broker
 * does not redeliver it meanwhile); natively it nacks with the delay and the broker's
 * delivery count is the attempt.
 */
export class RetryInterceptor implements MessageInterceptor {
  private readonly logger = new NestreamLogger('Nestream');

  constructor(
    private readonly retry: ResolvedRetry,
    private readonly native: boolean,
    private readonly nonRetryable: readonly ErrorClass[],
  ) {}

  intercept(ctx: MessageContext, next: ConsumeNext): Promise<unknown> {
    return this.native ? this.viaBroker(ctx, next) : this.inProcess(ctx, next);
  }

  private async viaBroker(ctx: MessageContext, next: ConsumeNext): Promise<unknown> {
    const state = deliveryState(ctx);
    state.setAttempt(state.attempt);
    try {
      return await next(ctx);
    } catch (error) {
      if (!this.isRetryable(error)) throw error;
      state.recordFailure();
      if (state.attempt >= this.retry.attempts) throw error;
      const delayMs = backoffDelay(state.attempt, this.retry.backoff);
      state.recordRetry();
      this.warn(state, error, delayMs, ctx);
      throw new NackMessage({ delayMs }, `retry ${state.attempt + 1}/${this.retry.attempts} in ${delayMs} ms`, { cause: error });
    }
  }

  private inProcess(ctx: MessageContext, next: ConsumeNext): Promise<unknown> {
    return this.runInProcess(deliveryState(ctx), () => next(ctx), ctx);
  }

  /** The in-process loop, for anything that runs as one unit: a message, or a whole batch. */
  async runInProcess(target: RetryTarget, run: () => Promise<unknown>, ctx?: MessageContext): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      target.setAttempt(attempt);
      try {
        return await run();
      } catch (error) {
        if (!this.isRetryable(error)) throw error;
        target.recordFailure();
        if (attempt >= this.retry.attempts) throw error;
        const delayMs = backoffDelay(attempt, this.retry.backoff);
        target.recordRetry?.();
        this.warn(target, error, delayMs, ctx);
        await this.wait(target, delayMs);
      }
    }
  }

  private isRetryable(error: unknown): boolean {
    if (error instanceof SettleSignal || error instanceof NonRetryableError) return false;
    return !this.nonRetryable.some((type) => error instanceof type);
  }

  private async wait(target: RetryTarget, delayMs: number): Promise<void> {
    for (let left = delayMs; left > 0; left -= KEEP_ALIVE_MS) {
      await sleep(Math.min(left, KEEP_ALIVE_MS));
      if (left > KEEP_ALIVE_MS) await target.touch();
    }
  }

  /** One line per retry, with the error message and no stack (the dead letter's line has it). */
  private warn(target: RetryTarget, error: unknown, delayMs: number, ctx: MessageContext | undefined): void {
    const fields = ctx ? messageFields(ctx) : { topic: target.topic, handler: target.handler, attempt: target.attempt };
    this.logger.warn(
      `${target.handler} failed on ${target.topic} (attempt ${target.attempt}/${this.retry.attempts}): ${(error as Error)?.message}; retrying in ${delayMs} ms`,
      { ...fields, outcome: 'retry', attempts: this.retry.attempts, retry_in_ms: delayMs, error: errorFields(error) },
    );
  }
}
