import type { JsMsg } from '@nats-io/jetstream';
import { createInbox, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';

const ACK = new TextEncoder().encode('+ACK');

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly deadline: number;
}

/**
 * Confirmed JetStream acks for one subscription, many in flight at once and written in batches.
 * Each ack goes out with a reply subject under one inbox of ours, and the server's replies are
 * matched by token: the same protocol as nats.js `ackAck()`, without its per-ack request
 * object, timer and two stack-captured errors (a quarter of the CPU of a busy consumer).
 * Deadlines are checked by one timer for all of them.
 */
export class AckConfirmations {
  private readonly prefix = `${createInbox()}.`;
  private readonly waiting = new Map<number, Waiter>();
  private readonly subscription: Subscription;
  private sweeper?: NodeJS.Timeout;
  private writing?: NodeJS.Immediate;
  /** Acks waiting for this turn's write: reply subject, token, reply subject, token, ... */
  private outgoing: (string | number)[] = [];
  private nextToken = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs: number,
  ) {
    this.subscription = nc.subscribe(`${this.prefix}*`, { callback: (error, reply) => this.onReply(error, reply) });
  }

  /** Sends the ack of `msg` now; resolves when the server confirmed it, rejects when it did not within the timeout. */
  ack(msg: JsMsg): Promise<void> {
    const reply = (msg as JsMsg & { reply?: string }).reply;
    if (!reply) return msg.ackAck({ timeout: this.timeoutMs }).then(() => undefined);
    const token = this.nextToken++;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(token, { resolve, reject, deadline: Date.now() + this.timeoutMs });
      this.outgoing.push(reply, token);
      this.writing ??= setImmediate(this.write);
      if (!this.sweeper) {
        this.sweeper = setInterval(() => this.sweep(), Math.max(50, Math.min(1000, this.timeoutMs / 4)));
        this.sweeper.unref();
      }
    });
  }

  /**
   * The acks of one turn of the event loop, written together: nats.js writes to the socket once
   * per burst of publishes, and acks settled one by one across a turn's microtasks would each
   * be a write of their own (a system call per message).
   */
  private readonly write = (): void => {
    this.writing = undefined;
    const outgoing = this.outgoing;
    this.outgoing = [];
    for (let i = 0; i < outgoing.length; i += 2) {
      const token = outgoing[i + 1] as number;
      try {
        this.nc.publish(outgoing[i] as string, ACK, { reply: `${this.prefix}${token}` });
      } catch (error) {
        this.fail(token, error as Error); // the connection is closed
      }
    }
  };

  private fail(token: number, error: Error): void {
    const waiter = this.waiting.get(token);
    this.waiting.delete(token);
    waiter?.reject(error);
  }

  /** Fails what is still waiting (the subscription is closing) and stops listening. */
  close(): void {
    if (this.writing) clearImmediate(this.writing);
    this.writing = undefined;
    this.outgoing = [];
    this.failAll(new Error('JetStream subscription closed before the server confirmed the ack'));
    this.subscription.unsubscribe();
  }

  private onReply(error: Error | null, reply: Msg): void {
    if (error) return this.failAll(error);
    const token = Number(reply.subject.slice(this.prefix.length));
    const waiter = this.waiting.get(token);
    if (!waiter) return; // already timed out
    this.waiting.delete(token);
    const status = reply.headers;
    if (status?.hasError) {
      const why = status.code === 503 ? 'no responders: the consumer is gone' : `${status.code} ${status.description}`;
      waiter.reject(new Error(`the JetStream server did not take the ack: ${why}`));
    } else {
      waiter.resolve();
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const [token, waiter] of this.waiting) {
      // Tokens are in send order, so deadlines are too: the first one not passed ends the sweep.
      if (waiter.deadline > now) break;
      this.waiting.delete(token);
      waiter.reject(new Error(`the JetStream server did not confirm the ack within ${this.timeoutMs} ms`));
    }
    this.stopSweepingWhenIdle();
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
    this.stopSweepingWhenIdle();
  }

  private stopSweepingWhenIdle(): void {
    if (this.waiting.size > 0 || !this.sweeper) return;
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }
}
