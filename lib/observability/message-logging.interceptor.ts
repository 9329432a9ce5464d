import { Logger } from '@nestjs/common';
import { messageFields } from '../core/log-fields.js';
import { NestreamLogger } from '../core/logger.js';
import type { ConsumeNext, MessageInterceptor } from '../core/interceptor.js';
import type { MessageContext } from '../core/message-context.js';
import { outcomeOf, type MessageOutcome } from './message-outcome.js';

const PAYLOAD_LOG_LIMIT = 1024;

/**
 * A debug line when a message is received and one when it is handled, through Nest's Logger
 * (so pino / winston adapters get them): event type, version and id, correlation id, topic, transport,
 * handler, attempt, and then outcome and duration, in the text and as fields. No payload unless asked for. Sits right
 * inside correlation, so the correlation id is known (a new one when the message had none).
 * Retries (warn) and dead letters (error) are logged where they happen.
 */
export class MessageLoggingInterceptor implements MessageInterceptor {
  private readonly logger = new NestreamLogger('Nestream', false);

  constructor(private readonly payloads: boolean) {}

  async intercept(ctx: MessageContext, next: ConsumeNext): Promise<unknown> {
    // Checked per message, so a level raised at runtime silences the lines at once, unbuilt.
    if (!Logger.isLevelEnabled('debug')) return next(ctx);
    const startedAt = performance.now();
    const payload = this.payloads ? payloadText(ctx) : undefined;
    this.logger.debug(`received ${this.describe(ctx)}${payload === undefined ? '' : ` payload=${payload}`}`, { ...messageFields(ctx), payload });
    try {
      const result = await next(ctx);
      this.handled(ctx, outcomeOf(ctx), startedAt);
      return result;
    } catch (error) {
      this.handled(ctx, outcomeOf(ctx, error, true), startedAt);
      throw error;
    }
  }

  private handled(ctx: MessageContext, outcome: MessageOutcome, startedAt: number): void {
    const ms = (performance.now() - startedAt).toFixed(1);
    this.logger.debug(`handled ${this.describe(ctx)} outcome=${outcome} duration_ms=${ms}`, {
      ...messageFields(ctx),
      outcome,
      duration_ms: Number(ms),
    });
  }

  private describe(ctx: MessageContext): string {
    const { event } = ctx;
    // The version as it arrived (an upcast handler sees a newer one); left out when it has none.
    const version = event.version ? ` event_version=${event.version}` : '';
    return (
      `event_type=${event.type ?? '-'}${version} event_id=${event.id ?? '-'} correlation_id=${ctx.correlationId || '-'} ` +
      `topic=${ctx.topic} transport=${ctx.transport} handler=${ctx.handler} attempt=${ctx.attempt}`
    );
  }
}

/** The body as text, cut at 1 KiB; bytes that are not text are shown as their size only. */
function payloadText(ctx: MessageContext): string {
  const body = ctx.message.body;
  const text = body.subarray(0, PAYLOAD_LOG_LIMIT).toString('utf8');
  if (text.includes('\uFFFD')) return `<${body.length} bytes>`;
  return body.length > PAYLOAD_LOG_LIMIT ? `${text}…` : text;
}
