import { createInbox, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';

interface Waiter {
  readonly resolve: (reply: Msg) => void;
  readonly reject: (error: Error) => void;
  readonly deadline: number;
  readonly timeoutMs: number;
  readonly subject: string;
}

interface Outgoing {
  readonly subject: string;
  readonly body: Uint8Array;
  readonly headers: MsgHdrs | undefined;
  readonly token: number;
}

/** A reply that did not come within its timeout (named as nats.js names its own, so callers classify both alike). */
export class InboxTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * Many requests in flight on one connection, for the JetStream protocol's own request/reply
 * (a PubAck for a publish, the server's confirmation of an ack). Each request carries a reply
 * subject under one inbox of ours and the replies are matched by token: what nats.js's
 * `request()` does, without its per-request request object, timer, and the two errors it
 * builds per call (with their captured stacks: about a quarter of a busy JetStream client's
 * CPU). One timer checks every deadline.
 *
 * The requests of one turn of the event loop are written together: nats.js writes to the
 * socket once per burst of publishes, and requests made one by one across a turn's microtasks
 * would each be a write (a system call) of their own.
 */
export class InboxRequests {
  private readonly prefix: string;
  private readonly waiting = new Map<number, Waiter>();
  private readonly subscription: Subscription;
  private sweeper?: NodeJS.Timeout;
  private writing?: NodeJS.Immediate;
  private outgoing: Outgoing[] = [];
  private nextToken = 0;
  private closedWith?: Error;

  /** `timedOut` words the error of a request that got no reply in time. */
  constructor(
    private readonly nc: NatsConnection,
    private readonly timedOut: (subject: string, timeoutMs: number) => string,
  ) {
    // Under the connection's own inbox prefix, which a permissioned account may require.
    this.prefix = `${createInbox((nc as { options?: { inboxPrefix?: string } }).options?.inboxPrefix)}.`;
    this.subscription = nc.subscribe(`${this.prefix}*`, { callback: (error, reply) => this.onReply(error, reply) });
    void nc.closed().then(() => this.close(new Error('the NATS connection closed before the server replied')));
  }

  /** Sends in this turn's write; resolves with the server's reply, rejects when none came within `timeoutMs`. */
  request(subject: string, body: Uint8Array, headers: MsgHdrs | undefined, timeoutMs: number): Promise<Msg> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const token = this.nextToken++;
    return new Promise<Msg>((resolve, reject) => {
      this.waiting.set(token, { resolve, reject, deadline: Date.now() + timeoutMs, timeoutMs, subject });
      this.outgoing.push({ subject, body, headers, token });
      this.writing ??= setImmediate(this.write);
      if (!this.sweeper) {
        this.sweeper = setInterval(() => this.sweep(), Math.max(50, Math.min(1000, timeoutMs / 4)));
        this.sweeper.unref();
      }
    });
  }

  /** Fails what is still waiting and stops listening (the subscription or connection is closing). */
  close(error = new Error('closed before the server replied')): void {
    if (this.closedWith) return;
    this.closedWith = error;
    if (this.writing) clearImmediate(this.writing);
    this.writing = undefined;
    this.outgoing = [];
    this.failAll(error);
    if (!this.subscription.isClosed()) this.subscription.unsubscribe();
  }

  private readonly write = (): void => {
    this.writing = undefined;
    const outgoing = this.outgoing;
    this.outgoing = [];
    for (const { subject, body, headers, token } of outgoing) {
      try {
        this.nc.publish(subject, body, { reply: `${this.prefix}${token}`, ...(headers ? { headers } : {}) });
      } catch (error) {
        // The connection is closed, or nats.js refused the subject.
        const waiter = this.waiting.get(token);
        this.waiting.delete(token);
        waiter?.reject(error as Error);
      }
    }
  };

  private onReply(error: Error | null, reply: Msg): void {
    if (error) return this.failAll(error);
    const token = Number(reply.subject.slice(this.prefix.length));
    const waiter = this.waiting.get(token);
    if (!waiter) return; // already timed out
    this.waiting.delete(token);
    waiter.resolve(reply);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [token, waiter] of this.waiting) {
      if (waiter.deadline > now) continue;
      this.waiting.delete(token);
      waiter.reject(new InboxTimeoutError(this.timedOut(waiter.subject, waiter.timeoutMs)));
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
