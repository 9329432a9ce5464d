/** Counts one subscription's deliveries in flight and makes callers wait for a free slot. */
export class SlotPool {
  private inUse = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`a slot pool needs a positive integer size, got ${size}`);
  }

  get inFlight(): number {
    return this.inUse;
  }

  get free(): number {
    return this.size - this.inUse;
  }

  /** Takes a slot now if one is free (true), without waiting. */
  tryAcquire(): boolean {
    if (this.inUse >= this.size) return false;
    this.inUse++;
    return true;
  }

  acquire(): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
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
