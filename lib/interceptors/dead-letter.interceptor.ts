import { MessageValidationError, BadMessageError, NackMessage, SettleSignal } from '../core/errors.js';
import { DeadLetterHeaders, Headers, type MessageHeaders } from '../core/headers.js';
import type { ConsumeNext, MessageInterceptor } from '../core/interceptor.js';
import { NestreamLogger } from '../core/logger.js';
import { errorFields, messageFields } from '../core/log-fields.js';
import { deliveryState, type MessageContext } from '../core/message-context.js';
import type { OutboundMessage } from '../core/message.js';
import type { ResolvedDeadLetter } from '../config/handler-binding.js';

export type RawPublish = (transport: string, message: OutboundMessage) => Promise<void>;

const STACK_LIMIT = 2_000;
const VALIDATION_LIMIT = 4_000;
/** When the dead-letter publish fails, redeliver no sooner than this, so a down DLQ is not hammered. */
const REDELIVER_AFTER_FAILED_DLQ_MS = 1_000;

/**
 * Sits outside retry: a message lands here only when retries are spent or the error is not
 * retryable. Publishes the original body and headers, plus error headers, to the dead-letter
 * destination; then the message is acked. If that publish fails the message is nacked, so
 * it is never lost.
 */
export class DeadLetterInterceptor implements MessageInterceptor {
  private readonly logger = new NestreamLogger('Nestream');

  constructor(
    private readonly destination: ResolvedDeadLetter,
    private readonly publish: RawPublish,
  ) {}

  async intercept(ctx: MessageContext, next: ConsumeNext): Promise<unknown> {
    try {
      return await next(ctx);
    } catch (error) {
      if (error instanceof SettleSignal) throw error;
      deliveryState(ctx).recordFailure();
      const message: OutboundMessage = {
        topic: this.destination.topic,
        body: ctx.message.body,
        headers: { ...ctx.message.headers, ...this.errorHeaders(ctx, error) },
        key: ctx.message.key,
      };
      try {
        await this.publish(this.destination.transport, message);
      } catch (publishError) {
        this.logger.error(
          `${ctx.handler}: dead-letter publish to ${this.destination.topic} failed (${(publishError as Error).message}); the message stays unacked`,
          undefined,
          { ...messageFields(ctx), outcome: 'dead-letter-failed', dead_letter_topic: this.destination.topic, error: errorFields(publishError) },
        );
        throw new NackMessage({ delayMs: REDELIVER_AFTER_FAILED_DLQ_MS }, 'dead-letter publish failed', { cause: publishError });
      }
      const err = error as Error;
      const state = deliveryState(ctx);
      state.disposition = 'dead-lettered';
      state.deadLetterError = error;
      this.logger.error(
        `${ctx.handler} dead-lettered message ${ctx.event.id ?? '-'} (${ctx.event.type ?? ctx.topic}) of ${ctx.topic} to ${this.destination.topic} after ${ctx.attempt} attempt(s): ${err?.name}: ${err?.message}`,
        err?.stack,
        { ...messageFields(ctx), outcome: 'dead-lettered', reason: message.headers[DeadLetterHeaders.reason], dead_letter_topic: this.destination.topic, error: errorFields(error, true) },
      );
      return undefined;
    }
  }

  private errorHeaders(ctx: MessageContext, error: unknown): MessageHeaders {
    const err = error instanceof Error ? error : new Error(String(error));
    const headers: MessageHeaders = {
      [DeadLetterHeaders.reason]: reasonOf(err),
      [DeadLetterHeaders.errorName]: err.name,
      [DeadLetterHeaders.errorMessage]: err.message,
      [DeadLetterHeaders.errorStack]: (err.stack ?? '').slice(0, STACK_LIMIT),
      [DeadLetterHeaders.originalTopic]: ctx.topic,
      [DeadLetterHeaders.originalTransport]: ctx.transport,
      [DeadLetterHeaders.handler]: ctx.handler,
      [DeadLetterHeaders.consumerGroup]: ctx.group,
      [DeadLetterHeaders.attempts]: String(ctx.attempt),
      [DeadLetterHeaders.firstFailureAt]: (ctx.firstFailureAt ?? new Date()).toISOString(),
      [DeadLetterHeaders.lastFailureAt]: (ctx.lastFailureAt ?? new Date()).toISOString(),
    };
    if (ctx.correlationId) headers[Headers.correlationId] = ctx.correlationId;
    if (err instanceof MessageValidationError) {
      headers[DeadLetterHeaders.validationErrors] = JSON.stringify(err.issues).slice(0, VALIDATION_LIMIT);
    }
    return headers;
  }
}

function reasonOf(error: Error): string {
  if (error instanceof BadMessageError) return error.reason;
  if (error instanceof MessageValidationError) return 'validation-failed';
  return 'handler-failed';
}
