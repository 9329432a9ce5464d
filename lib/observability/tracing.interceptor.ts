import type { Attributes, Span, Tracer } from '@opentelemetry/api';
import { Headers } from '../core/headers.js';
import type { ConsumeNext, MessageInterceptor, PublishInfo, PublishNext } from '../core/interceptor.js';
import type { OutboundMessage } from '../core/message.js';
import { deliveryState, type MessageContext } from '../core/message-context.js';
import { MessagingAttributes } from './messaging-attributes.js';
import { outcomeOf, type MessageOutcome } from './message-outcome.js';
import { extractTraceContext, injectTraceContext } from './w3c-trace-context.js';

type OtelApi = typeof import('@opentelemetry/api');

/**
 * One CONSUMER span `process <topic>` per delivery, child of the producer's span (from the
 * `traceparent` header), active while the handler runs: what the handler publishes is its child.
 */
export class ConsumeTracingInterceptor implements MessageInterceptor {
  constructor(
    private readonly api: OtelApi,
    private readonly tracer: Tracer,
    private readonly system: string,
  ) {}

  async intercept(ctx: MessageContext, next: ConsumeNext): Promise<unknown> {
    const { api } = this;
    const parent = extractTraceContext(api, ctx.message.headers);
    const attributes: Attributes = {
      [MessagingAttributes.system]: this.system,
      [MessagingAttributes.destination]: ctx.topic,
      [MessagingAttributes.operationType]: 'process',
      [MessagingAttributes.operationName]: 'process',
      [MessagingAttributes.consumerGroup]: ctx.group,
      [MessagingAttributes.bodySize]: ctx.message.body.length,
      'nestream.transport': ctx.transport,
      'nestream.handler': ctx.handler,
    };
    const messageId = ctx.message.headers[Headers.messageId];
    if (messageId) attributes[MessagingAttributes.messageId] = messageId;
    const span = this.tracer.startSpan(`process ${ctx.topic}`, { kind: api.SpanKind.CONSUMER, attributes }, parent);
    try {
      const result = await api.context.with(api.trace.setSpan(parent, span), () => next(ctx));
      this.finish(span, ctx, outcomeOf(ctx), deliveryState(ctx).deadLetterError);
      return result;
    } catch (error) {
      this.finish(span, ctx, outcomeOf(ctx, error, true), error);
      throw error;
    }
  }

  private finish(span: Span, ctx: MessageContext, outcome: MessageOutcome, error: unknown): void {
    if (ctx.correlationId) span.setAttribute(MessagingAttributes.conversationId, ctx.correlationId);
    span.setAttributes({ 'nestream.outcome': outcome, 'nestream.attempt': ctx.attempt, 'nestream.retries': ctx.retries });
    if (outcome === 'failed' || outcome === 'dead_lettered') {
      const err = error instanceof Error ? error : undefined;
      if (err) span.recordException(err);
      span.setStatus({ code: this.api.SpanStatusCode.ERROR, message: err ? `${err.name}: ${err.message}` : outcome });
    }
    span.end();
  }
}

/**
 * One PRODUCER span `send <topic>` per publish, child of whatever span is active (an HTTP
 * request, a handler's consumer span), and its context written into the message headers.
 */
export class PublishTracingInterceptor implements MessageInterceptor {
  constructor(
    private readonly api: OtelApi,
    private readonly tracer: Tracer,
    private readonly systemOf: (transport: string) => string,
  ) {}

  async interceptPublish(message: OutboundMessage, info: PublishInfo, next: PublishNext): Promise<void> {
    const { api } = this;
    const attributes: Attributes = {
      [MessagingAttributes.system]: this.systemOf(info.transport),
      [MessagingAttributes.destination]: message.topic,
      [MessagingAttributes.operationType]: 'send',
      [MessagingAttributes.operationName]: 'send',
      [MessagingAttributes.bodySize]: message.body.length,
      'nestream.transport': info.transport,
    };
    const messageId = message.headers[Headers.messageId];
    if (messageId) attributes[MessagingAttributes.messageId] = messageId;
    const correlationId = message.headers[Headers.correlationId];
    if (correlationId) attributes[MessagingAttributes.conversationId] = correlationId;
    const parent = api.context.active();
    const span = this.tracer.startSpan(`send ${message.topic}`, { kind: api.SpanKind.PRODUCER, attributes }, parent);
    injectTraceContext(api, api.trace.setSpan(parent, span), message.headers);
    try {
      await next(message, info);
    } catch (error) {
      if (error instanceof Error) span.recordException(error);
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  }
}
