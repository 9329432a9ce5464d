import { deliveryState, type MessageContext } from '../core/message-context.js';
import type { RetryTarget } from '../interceptors/retry.interceptor.js';

export type BatchRun = (contexts: readonly MessageContext[]) => Promise<unknown>;

/**
 * One batch on its way to a batch handler. Each message first runs the per-message part of the
 * chain on its own (settle, correlation, idempotency, dead letter, decode and validate), then
 * joins here. Once every message has joined or left (a skipped duplicate, an undecodable body),
 * the handler runs once for the joined ones, in delivery order, and its outcome becomes each
 * joined message's outcome: all acked, or each dead-lettered (or rejected) on its own.
 */
export class MessageBatch {
  private readonly joined = new Set<MessageContext>();
  private waiting: number;
  private readonly outcome: Promise<unknown>;
  private settle!: { resolve: (value: unknown) => void; reject: (error: unknown) => void };

  constructor(
    private readonly contexts: readonly MessageContext[],
    private readonly run: BatchRun,
  ) {
    this.waiting = contexts.length;
    this.outcome = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    // Nobody awaits the outcome when every message left early.
    this.outcome.catch(() => undefined);
  }

  /** The message is ready for the handler; resolves or rejects with the batch's outcome. */
  join(ctx: MessageContext): Promise<unknown> {
    this.joined.add(ctx);
    this.arrived();
    return this.outcome;
  }

  /** The message finished without joining (its chain settled it already). */
  leave(ctx: MessageContext): void {
    if (!this.joined.has(ctx)) this.arrived();
  }

  private arrived(): void {
    if (--this.waiting > 0) return;
    if (this.joined.size === 0) return this.settle.resolve(undefined);
    // Decoding is asynchronous, so messages may join out of order; the handler sees delivery order.
    const ordered = this.contexts.filter((ctx) => this.joined.has(ctx));
    this.run(ordered).then(this.settle.resolve, this.settle.reject);
  }
}

/** A batch as the retry loop sees it: one unit whose attempts and failures apply to every message. */
export function batchRetryTarget(contexts: readonly MessageContext[]): RetryTarget {
  const first = contexts[0]!;
  return {
    handler: first.handler,
    topic: first.topic,
    get attempt() {
      return first.attempt;
    },
    setAttempt: (attempt) => contexts.forEach((ctx) => deliveryState(ctx).setAttempt(attempt)),
    recordFailure: () => {
      const at = new Date();
      contexts.forEach((ctx) => deliveryState(ctx).recordFailure(at));
    },
    recordRetry: () => contexts.forEach((ctx) => deliveryState(ctx).recordRetry()),
    touch: async () => void (await Promise.all(contexts.map((ctx) => ctx.touch()))),
  };
}
