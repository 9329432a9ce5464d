import { withTimeout } from '../kit/timers.js';

/**
 * Confirms core NATS publishes with one flush round trip per tick instead of one per publish
 * (a measured hot-path win). The server handles a connection's messages in order, so the PONG
 * to a PING proves every message written before that PING arrived: publishes of one tick share
 * one PING and one timeout timer. A publish written after the PING was queued waits for the next one.
 */
export class FlushBatcher {
  private pending?: Promise<void>;
  private topics = 0;
  private firstTopic = '';

  constructor(
    private readonly flush: () => Promise<void>,
    private readonly timeoutMs: number,
  ) {}

  /** Call right after the message was written to the connection. */
  confirm(topic: string): Promise<void> {
    if (this.pending) {
      this.topics++;
      return this.pending;
    }
    this.topics = 1;
    this.firstTopic = topic;
    // Resolved after the current synchronous run, so later publishes of this tick join it.
    return (this.pending = Promise.resolve().then(() => this.roundTrip()));
  }

  private roundTrip(): Promise<void> {
    const what = this.topics > 1 ? `${this.firstTopic} (and ${this.topics - 1} other publish(es))` : this.firstTopic;
    this.pending = undefined;
    return withTimeout(this.flush(), this.timeoutMs, `NATS did not confirm the publish to ${what}`);
  }
}
