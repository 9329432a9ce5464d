import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** The correlation id of the message (or HTTP request) whose async scope this code runs in. */
const storage = new AsyncLocalStorage<string>();

export const CorrelationScope = {
  current(): string | undefined {
    return storage.getStore();
  },
  run<T, A extends unknown[] = []>(correlationId: string, fn: (...args: A) => T, ...args: A): T {
    return storage.run(correlationId, fn, ...args);
  },
  newId(): string {
    return randomUUID();
  },
};
