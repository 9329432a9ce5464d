/** Counts in-flight deliveries of one subscription and makes callers wait for a free slot. */
export class SlotPool {
  private inUse = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];

  constructor(readonly size: number) {}

  get inFlight(): number {
    return this.inUse;
  }

  get free(): number {
    return this.size - this.inUse;
  }

  acquire(): Promise<void> {
    if (this.inUse < this.size) {
      this.inUse++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(() => resolve()));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) return next(); // the slot passes straight to the next waiter
    this.inUse--;
    if (this.inUse === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Resolves once nothing is in flight. */
  whenIdle(): Promise<void> {
    if (this.inUse === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
