import { Headers } from '../core/headers.js';
import type { ConsumeNext, MessageInterceptor, PublishInfo, PublishNext } from '../core/interceptor.js';
import type { OutboundMessage } from '../core/message.js';
import type { MessageContext } from '../core/message-context.js';
import { outcomeOf } from './message-outcome.js';
import type { ConsumeLabels, NestreamMetrics } from './nestream-metrics.js';

const seconds = (startedAt: number) => (performance.now() - startedAt) / 1000;

/**
 * Counts each delivery of one handler by outcome and times it; in the chain only when metrics
 * are on. Sits just inside settle, so it sees what settle will do with the message.
 */
export class ConsumeMetricsInterceptor implements MessageInterceptor {
  /** Label objects per topic, built once (a pattern subscription sees several topics). */
  private readonly labelsByTopic = new Map<string, ConsumeLabels>();

  constructor(
    private readonly metrics: NestreamMetrics,
    private readonly transport: string,
    private readonly handler: string,
  ) {}

  async intercept(ctx: MessageContext, next: ConsumeNext): Promise<unknown> {
    const labels = this.labels(ctx.topic);
    const startedAt = performance.now();
    this.metrics.messageStarted(labels);
    const version = ctx.headers[Headers.eventVersion];
    if (version) this.metrics.eventVersion(this.transport, ctx.topic, 'receive', version);
    try {
      const result = await next(ctx);
      this.metrics.messageEnded(labels, outcomeOf(ctx), seconds(startedAt), ctx.retries);
      return result;
    } catch (error) {
      this.metrics.messageEnded(labels, outcomeOf(ctx, error, true), seconds(startedAt), ctx.retries);
      throw error;
    }
  }

  private labels(topic: string): ConsumeLabels {
    let labels = this.labelsByTopic.get(topic);
    if (!labels) this.labelsByTopic.set(topic, (labels = { transport: this.transport, topic, handler: this.handler }));
    return labels;
  }
}

/** Counts and times every publish (bus, typed publishers, @Publisher results, dead letters). */
export class PublishMetricsInterceptor implements MessageInterceptor {
  constructor(private readonly metrics: NestreamMetrics) {}

  async interceptPublish(message: OutboundMessage, info: PublishInfo, next: PublishNext): Promise<void> {
    const labels = { transport: info.transport, topic: message.topic };
    const startedAt = performance.now();
    try {
      await next(message, info);
      this.metrics.messagePublished(labels, true, seconds(startedAt));
      const version = message.headers[Headers.eventVersion];
      if (version) this.metrics.eventVersion(info.transport, message.topic, 'send', version);
    } catch (error) {
      this.metrics.messagePublished(labels, false, seconds(startedAt));
      throw error;
    }
  }
}
