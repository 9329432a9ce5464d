import { NestreamLogger } from '../../core/logger.js';
import type { Listening, OutboxDatabase } from '../database/outbox-database.js';

/**
 * When the relay looks again: at once on a NOTIFY from a committed write, else after the poll
 * interval. LISTEN runs on a connection of its own and is re-established after it breaks;
 * polling covers the gap (and any notification PostgreSQL drops), so a lost wake-up only delays.
 */
export class Wakeup {
  private readonly logger = new NestreamLogger('NestreamOutbox');
  private signalled = false;
  private resolveWait?: () => void;
  private listening?: Listening;
  private stopped = false;
  private retryTimer?: NodeJS.Timeout;
  /** True while LISTEN is up (health reports it). */
  listeningNow = false;

  constructor(
    private readonly database: OutboxDatabase,
    private readonly channel: string,
    private readonly retryMs: number,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.listen();
  }

  /** Resolves on a notification (or `wake()`), or after `ms`; at once if one came since the last wait. */
  wait(ms: number): Promise<void> {
    if (this.signalled || this.stopped) {
      this.signalled = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.resolveWait = undefined;
        self.signalled = false;
        resolve();
      }
      this.resolveWait = done;
    });
  }

  wake(): void {
    this.signalled = true;
    this.resolveWait?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.wake();
    await this.listening?.close();
    this.listening = undefined;
    this.listeningNow = false;
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    try {
      this.listening = await this.database.listen(this.channel, () => this.wake(), (error) => this.lost(error));
      this.listeningNow = true;
      // Anything committed while we were not listening is found by the next look.
      this.wake();
    } catch (error) {
      this.lost(error as Error);
    }
  }

  private lost(error: Error): void {
    this.listeningNow = false;
    this.listening = undefined;
    if (this.stopped) return;
    this.logger.warn(`outbox LISTEN lost (${error.message}); polling every ${this.retryMs} ms until it is back`);
    this.retryTimer = setTimeout(() => void this.listen(), this.retryMs);
    this.retryTimer.unref?.();
  }
}
