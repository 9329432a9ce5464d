import { randomUUID } from 'node:crypto';
import { RequestTimeoutError } from '../../core/errors.js';
import { Headers } from '../../core/headers.js';
import type { InboundMessage, OutboundMessage } from '../../core/message.js';

interface Waiter {
  readonly resolve: (reply: InboundMessage) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * The requests of one transport waiting for their replies, keyed by correlation id: the one
 * reply listener of a transport hands every reply here, so no broker needs a subscription,
 * consumer or queue per request. A reply nobody waits for (late, or for another instance) is
 * dropped.
 */
export class PendingReplies {
  private readonly waiting = new Map<string, Waiter>();

  get size(): number {
    return this.waiting.size;
  }

  /**
   * The request's correlation id (the message's, or a new one stamped on it) and the promise of
   * its reply, rejected with a RequestTimeoutError after `timeoutMs`. Register before publishing,
   * so a fast reply cannot arrive before anyone waits for it.
   */
  register(message: OutboundMessage, timeoutMs: number): { readonly correlationId: string; readonly reply: Promise<InboundMessage> } {
    const correlationId = (message.headers[Headers.correlationId] ||= randomUUID());
    if (this.waiting.has(correlationId)) {
      throw new Error(`A request with correlation id ${correlationId} is already waiting for its reply; concurrent requests need distinct correlation ids`);
    }
    const reply = new Promise<InboundMessage>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(correlationId, new RequestTimeoutError(message.topic, timeoutMs)), timeoutMs);
      this.waiting.set(correlationId, { resolve, reject, timer });
    });
    return { correlationId, reply };
  }

  /** Hands a reply to its request; false when none waits for this correlation id. */
  resolve(correlationId: string | undefined, reply: InboundMessage): boolean {
    const waiter = correlationId === undefined ? undefined : this.waiting.get(correlationId);
    if (!waiter) return false;
    this.forget(correlationId!, waiter);
    waiter.resolve(reply);
    return true;
  }

  /** Ends one request with an error (its publish failed, or it timed out). */
  fail(correlationId: string, error: Error): void {
    const waiter = this.waiting.get(correlationId);
    if (!waiter) return;
    this.forget(correlationId, waiter);
    waiter.reject(error);
  }

  /** Ends every waiting request: the transport is closing. */
  failAll(reason: string): void {
    for (const id of [...this.waiting.keys()]) this.fail(id, new Error(reason));
  }

  /** Registers, publishes with `send`, and resolves with the reply; a failed send ends the request at once. */
  async run(message: OutboundMessage, timeoutMs: number, send: (correlationId: string) => Promise<void>): Promise<InboundMessage> {
    const { correlationId, reply } = this.register(message, timeoutMs);
    // A timeout while the send is still under way must not count as an unhandled rejection: the caller awaits `reply` next.
    reply.catch(() => undefined);
    try {
      await send(correlationId);
    } catch (error) {
      this.fail(correlationId, error as Error);
    }
    return reply;
  }

  private forget(correlationId: string, waiter: Waiter): void {
    clearTimeout(waiter.timer);
    this.waiting.delete(correlationId);
  }
}
