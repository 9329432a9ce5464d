import { Headers } from '../core/headers.js';
import type { IdempotencyStore } from '../core/idempotency-store.js';
import type { ConsumeNext, MessageInterceptor } from '../core/interceptor.js';
import { NestreamLogger } from '../core/logger.js';
import { deliveryState, type MessageContext } from '../core/message-context.js';

/** The key duplicates are recognised by: the `x-idempotency-key` header, else the message id. */
export function idempotencyKeyOf(ctx: MessageContext): string | undefined {
  return ctx.headers[Headers.idempotencyKey] || ctx.headers[Headers.messageId];
}

/**
 * Skips (and so acks) a message whose idempotency key this handler already processed. The
 * key is the `x-idempotency-key` header, else the message id; it is recorded only after the
 * handler succeeded (or the message was dead-lettered), per handler and group. A duplicate
 * arriving while the first copy is still being handled in this process waits for it, unless
 * `waitForCopiesInFlight` is off (batch handlers, which split copies off themselves).
 */
export class IdempotencyInterceptor implements MessageInterceptor {
  private readonly logger = new NestreamLogger('Nestream');
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: IdempotencyStore,
    private readonly ttlMs: number,
    private readonly scope: string,
    private readonly options: { readonly waitForCopiesInFlight: boolean } = { waitForCopiesInFlight: true },
  ) {}

  async intercept(ctx: MessageContext, next: ConsumeNext): Promise<unknown> {
    const key = idempotencyKeyOf(ctx);
    if (!key) return next(ctx);
    const scoped = `${this.scope}:${key}`;
    if (!this.options.waitForCopiesInFlight) return this.process(ctx, next, scoped);
    // Chained synchronously, before any await, so concurrent copies queue behind each other.
    const run = this.process(ctx, next, scoped, this.inFlight.get(scoped));
    this.inFlight.set(scoped, run);
    try {
      return await run;
    } finally {
      if (this.inFlight.get(scoped) === run) this.inFlight.delete(scoped);
    }
  }

  private async process(ctx: MessageContext, next: ConsumeNext, scoped: string, previous?: Promise<unknown>): Promise<unknown> {
    if (previous) await previous.catch(() => undefined);
    if (await this.store.has(scoped)) {
      deliveryState(ctx).disposition = 'duplicate';
      this.logger.debug(`${ctx.handler} skipped duplicate ${scoped} on ${ctx.topic}`);
      return undefined;
    }
    const result = await next(ctx);
    await this.store.add(scoped, this.ttlMs);
    return result;
  }
}
