import { AsyncLocalStorage } from 'node:async_hooks';
import { ConfigurationError } from '../../core/errors.js';

const storage = new AsyncLocalStorage<unknown>();

/**
 * The transaction an inbox handler attempt runs in, for the handler's own writes: they commit
 * together with the message's processed mark, or roll back with it. No MessageContext needed,
 * so services the handler calls can reach it too:
 *
 *   const client = InboxTransaction.current<PoolClient>();   // or EntityManager, Drizzle tx, ...
 *
 * The handle is what the store's transactions hand out: a node-postgres PoolClient or PGlite
 * transaction with `database:`, whatever your `transaction:` runner passes otherwise.
 */
export const InboxTransaction = {
  current<T = unknown>(): T {
    const tx = storage.getStore();
    if (tx === undefined) {
      throw new ConfigurationError('InboxTransaction.current(): not inside an idempotent handler on PostgresInboxStore (is the handler idempotent, and single-message?)');
    }
    return tx as T;
  },
  /** The transaction, or undefined outside one. */
  find<T = unknown>(): T | undefined {
    return storage.getStore() as T | undefined;
  },
  /** @internal The store runs each attempt through this. */
  run<R>(tx: unknown, fn: () => Promise<R>): Promise<R> {
    return storage.run(tx, fn);
  },
};
