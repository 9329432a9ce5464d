import { SettleSignal } from '../core/errors.js';
import type { ConsumeNext, MessageInterceptor } from '../core/interceptor.js';
import { NestreamLogger } from '../core/logger.js';
import type { InboundMessage } from '../core/message.js';
import type { MessageContext } from '../core/message-context.js';

/** How a reply leaves: the bus's `reply`, bound to the handler's transport. */
export type SendReply = (request: InboundMessage, result: unknown, error?: { name: string; message: string }) => Promise<void>;

/**
 * Answers request messages (those with a reply address): the handler's return value goes back
 * as the reply; an error (the handler's, or a payload its contract refused) goes back at once as
 * an error reply, and the request is acked, not retried or dead-lettered: the caller is waiting
 * with a deadline and decides itself whether to ask again. Settle signals (AckMessage,
 * NackMessage, RejectMessage) pass untouched. Messages without a reply address pass through.
 */
export class ReplyInterceptor implements MessageInterceptor {
  private readonly logger = new NestreamLogger('Nestream');

  constructor(private readonly send: SendReply) {}

  intercept(ctx: MessageContext, next: ConsumeNext): Promise<unknown> {
    if (!ctx.message.replyTo) return next(ctx);
    return this.answer(ctx, next);
  }

  private async answer(ctx: MessageContext, next: ConsumeNext): Promise<unknown> {
    let result: unknown;
    try {
      result = await next(ctx);
    } catch (error) {
      if (error instanceof SettleSignal) throw error;
      const err = error instanceof Error ? error : new Error(String(error));
      this.logger.warn(`${ctx.handler} failed on request ${ctx.topic}; the error goes back to the caller: ${err.message}`);
      await this.send(ctx.message, undefined, { name: err.name, message: err.message });
      return undefined;
    }
    await this.send(ctx.message, result);
    return result;
  }
}
