import { Headers } from '../core/headers.js';
import type { IdempotencyStore } from '../core/idempotency-store.js';
import type { ConsumeNext, MessageInterceptor } from '../core/interceptor.js';
import { NestreamLogger } from '../core/logger.js';
import type { MessageContext } from '../core/message-context.js';

/**
 * Skips (and so acks) a message whose idempotency key this handler already processed. The
 * key is the `x-idempotency-key` header, else the message id; it is recorded only after the
 * handler succeeded (or the message was dead-lettered), per handler and group.
 */
export class IdempotencyInterceptor implements MessageInterceptor {
  private readonly logger = new NestreamLogger('Nestream');

  constructor(
    private readonly store: IdempotencyStore,
    private readonly ttlMs: number,
    private readonly scope: string,
  ) {}

  async intercept(ctx: MessageContext, next: ConsumeNext): Promise<unknown> {
    const key = ctx.headers[Headers.idempotencyKey] || ctx.headers[Headers.messageId];
    if (!key) return next(ctx);
    const scoped = `${this.scope}:${key}`;
    if (await this.store.has(scoped)) {
      this.logger.debug(`${ctx.handler} skipped duplicate ${key} on ${ctx.topic}`);
      return undefined;
    }
    const result = await next(ctx);
    await this.store.add(scoped, this.ttlMs);
    return result;
  }
}
