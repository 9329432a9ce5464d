/** A bounded wait that resolves early on `wake()`: backoff pauses that `close()` must not sit out. */
export class WakeableSleep {
  private readonly sleepers = new Set<() => void>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  /** Ends every sleep now. */
  wake(): void {
    for (const done of [...this.sleepers]) done();
  }
}

/** Thrown by `withTimeout` when the work did not finish in time. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * Resolves like `work`, or rejects with a TimeoutError naming `what` after `ms`. `onTimeout`
 * runs first (e.g. drop a dead connection); a late outcome of `work` is then ignored.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      work.catch(() => undefined);
      onTimeout?.();
      reject(new TimeoutError(`${what}: no answer within ${ms} ms`));
    }, ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Resolves after `ms`, or once `stop` resolves, whichever is first; clears its timer either way. */
export function sleepUnless(ms: number, stop: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void stop.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
