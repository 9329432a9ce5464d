import { withTimeout } from './timers.js';

/**
 * Asks the broker a cheap question every `intervalMs` (one at a time, each bounded by
 * `timeoutMs`) and reports each answer. A client library's own connection state lags (kafkajs
 * notices a lost broker only when a request fails, then retries for seconds), so a health page
 * that follows it says `up` while the broker is gone; the probe's answer is what health follows.
 */
export class LivenessProbe {
  private timer?: NodeJS.Timeout;
  private stopped = true;

  constructor(
    private readonly probe: () => Promise<void>,
    private readonly report: { readonly alive: () => void; readonly dead: (error: unknown) => void },
    private readonly intervalMs = 500,
    private readonly timeoutMs = 1000,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.once(), this.intervalMs);
    this.timer.unref();
  }

  private async once(): Promise<void> {
    const attempt = this.probe();
    try {
      await withTimeout(attempt, this.timeoutMs, 'liveness probe');
      if (!this.stopped) this.report.alive();
    } catch (error) {
      if (!this.stopped) this.report.dead(error);
      // A request still hanging must not pile up behind the next: the probe's client has short timeouts of its own.
      await attempt.catch(() => undefined);
    }
    this.schedule();
  }
}
