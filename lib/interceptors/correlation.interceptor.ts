import { CorrelationScope } from '../core/correlation.js';
import { Headers } from '../core/headers.js';
import type { ConsumeNext, MessageInterceptor, PublishInfo, PublishNext } from '../core/interceptor.js';
import type { OutboundMessage } from '../core/message.js';
import { deliveryState, type MessageContext } from '../core/message-context.js';

/**
 * Binds the incoming correlation id (or a new one) to the handler's whole async scope, and
 * stamps the scope's id on every publish made inside it, so handlers need no code for it.
 */
export class CorrelationInterceptor implements MessageInterceptor {
  intercept(ctx: MessageContext, next: ConsumeNext): Promise<unknown> {
    const correlationId = ctx.headers[Headers.correlationId] || CorrelationScope.newId();
    const state = deliveryState(ctx);
    state.correlationId = correlationId;
    state.setHeader(Headers.correlationId, correlationId);
    return CorrelationScope.run(correlationId, next, ctx);
  }

  interceptPublish(message: OutboundMessage, info: PublishInfo, next: PublishNext): Promise<void> {
    stampCorrelationId(message);
    return next(message, info);
  }
}

/** The correlation id a publish gets from the scope it is made in (also what the outbox stores at write time). */
export function stampCorrelationId(message: OutboundMessage): void {
  if (!message.headers[Headers.correlationId]) {
    // FastStream's rule: a message that starts a flow is its own correlation id.
    message.headers[Headers.correlationId] = CorrelationScope.current() ?? message.headers[Headers.messageId] ?? CorrelationScope.newId();
  }
}
