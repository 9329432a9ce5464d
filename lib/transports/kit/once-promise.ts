/**
 * Connect-once: concurrent callers share one attempt; a failed attempt is forgotten, so the
 * next caller tries again instead of inheriting a stale rejection.
 */
export class OncePromise<T> {
  private pending?: Promise<T>;

  constructor(private readonly attempt: () => Promise<T>) {}

  run(): Promise<T> {
    if (!this.pending) {
      const attempt = this.attempt();
      this.pending = attempt;
      attempt.catch(() => {
        if (this.pending === attempt) this.pending = undefined;
      });
    }
    return this.pending;
  }

  /** Forget a settled attempt (after close), so the next `run()` starts afresh. */
  reset(): void {
    this.pending = undefined;
  }

  get started(): boolean {
    return this.pending !== undefined;
  }
}
