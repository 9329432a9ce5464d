import type { InboundMessage, OutboundMessage } from './message.js';
import type { MessageContext } from './message-context.js';

export type ConsumeNext = (ctx: MessageContext) => Promise<unknown>;

export interface PublishInfo {
  /** Name of the transport the message is going to. */
  readonly transport: string;
  /** Set when the publish is a request: the chain's end puts the reply here. */
  readonly request?: PendingRequest;
  /** Set when the message is the reply to `replyFor`. */
  readonly replyFor?: InboundMessage;
}

/** A request going through the publish chain; the transport's reply lands in `reply`. */
export interface PendingRequest {
  readonly timeoutMs: number;
  readonly service: string;
  reply?: InboundMessage;
}

export type PublishNext = (message: OutboundMessage, info: PublishInfo) => Promise<void>;

/**
 * Middleware around handlers and publishes (FastStream's symmetric middleware, watermill's
 * handler wrapper). Implement either side or both. Call `next(ctx)` / `next(message, info)`
 * to continue; throw to fail.
 */
export interface MessageInterceptor {
  intercept?(ctx: MessageContext, next: ConsumeNext): Promise<unknown>;
  interceptPublish?(message: OutboundMessage, info: PublishInfo, next: PublishNext): Promise<void>;
}

/**
 * Folds the chain into one function, once at bootstrap: nothing is composed per message.
 * Every step of a composed chain returns a promise and never throws: an interceptor that is not
 * an async function (so it makes no promise of its own) can chain on `next()` with `.then()`
 * and still see every failure, a synchronous throw further in included.
 */
export function composeConsume(interceptors: readonly MessageInterceptor[], terminal: ConsumeNext): ConsumeNext {
  return interceptors.reduceRight<ConsumeNext>((next, interceptor) => {
    if (!interceptor.intercept) return next;
    return (ctx) => {
      try {
        return interceptor.intercept!(ctx, next);
      } catch (error) {
        return Promise.reject(error);
      }
    };
  }, (ctx) => {
    try {
      return terminal(ctx);
    } catch (error) {
      return Promise.reject(error);
    }
  });
}

/** The publish side of `composeConsume`, with the same never-throws steps. */
export function composePublish(interceptors: readonly MessageInterceptor[], terminal: PublishNext): PublishNext {
  return interceptors.reduceRight<PublishNext>((next, interceptor) => {
    if (!interceptor.interceptPublish) return next;
    return (message, info) => {
      try {
        return interceptor.interceptPublish!(message, info, next);
      } catch (error) {
        return Promise.reject(error);
      }
    };
  }, (message, info) => {
    try {
      return terminal(message, info);
    } catch (error) {
      return Promise.reject(error);
    }
  });
}
