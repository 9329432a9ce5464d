import { AckMessage, NackMessage, RejectMessage } from '../core/errors.js';
import type { ConsumeNext, MessageInterceptor } from '../core/interceptor.js';
import { NestreamLogger } from '../core/logger.js';
import { errorFields, messageFields } from '../core/log-fields.js';
import type { MessageContext } from '../core/message-context.js';
import type { AckPolicy } from '../config/nestream-options.js';

/**
 * Outermost: turns the chain's outcome into exactly one ack / nack / reject. An error that
 * reaches here was neither retried away nor dead-lettered (dead letters off): it is rejected
 * and logged, never swallowed silently and never redelivered forever. Never throws into the
 * transport's loop.
 */
export class SettleInterceptor implements MessageInterceptor {
  private readonly logger = new NestreamLogger('Nestream');

  constructor(private readonly policy: AckPolicy) {}

  async intercept(ctx: MessageContext, next: ConsumeNext): Promise<unknown> {
    try {
      if (this.policy === 'before') await ctx.ack();
      await next(ctx);
      if (this.policy === 'after') await ctx.ack();
    } catch (error) {
      await this.settleFailure(ctx, error);
    }
    return undefined;
  }

  private async settleFailure(ctx: MessageContext, error: unknown): Promise<void> {
    try {
      if (error instanceof AckMessage) return await ctx.ack();
      if (error instanceof NackMessage) return await ctx.nack(error.options);
      if (error instanceof RejectMessage) return await ctx.reject();
      const err = error as Error;
      this.logger.error(`${ctx.handler} failed on ${ctx.topic} and is rejected (dead letters are off): ${err?.message}`, err?.stack, {
        ...messageFields(ctx),
        outcome: 'rejected',
        error: errorFields(error, true),
      });
      await ctx.reject();
    } catch (settleError) {
      this.logger.error(`${ctx.handler}: settling a message of ${ctx.topic} failed: ${(settleError as Error).message}`, undefined, {
        ...messageFields(ctx),
        error: errorFields(settleError),
      });
    }
  }
}
