import type { IdempotencyStore } from '../core/idempotency-store.js';
import type { ConsumeNext, MessageInterceptor } from '../core/interceptor.js';
import { deliveryState, type MessageContext } from '../core/message-context.js';
import { idempotencyKeyOf } from './idempotency.interceptor.js';

/**
 * One handler attempt inside the idempotency store's transaction (stores with
 * `runInTransaction`, the PostgreSQL inbox): the processed mark and the handler's writes
 * commit together, and a failed attempt rolls both back, so a redelivery after a crash never
 * repeats the side effect. It sits inside retry: every attempt gets a fresh transaction. The
 * idempotency step outside it still skips known keys early and records dead-lettered ones.
 */
export class InboxTransactionInterceptor implements MessageInterceptor {
  constructor(
    private readonly store: IdempotencyStore & Required<Pick<IdempotencyStore, 'runInTransaction'>>,
    private readonly ttlMs: number,
    private readonly scope: string,
  ) {}

  async intercept(ctx: MessageContext, next: ConsumeNext): Promise<unknown> {
    const key = idempotencyKeyOf(ctx);
    if (!key) return next(ctx);
    const outcome = await this.store.runInTransaction(`${this.scope}:${key}`, this.ttlMs, () => next(ctx));
    if (!outcome.duplicate) return outcome.result;
    // Another consumer committed this key between the idempotency check and our insert.
    deliveryState(ctx).disposition = 'duplicate';
    return undefined;
  }
}
