import type pg from 'pg';
import type { PublishOptions } from '../../../lib/index.js';
import type { OutboxTransaction } from '../../../lib/outbox/index.js';
import type { OrderPlaced } from './events.js';
import { inTransaction } from './schema.js';

export type WriteEvent = (tx: OutboxTransaction, payload: OrderPlaced, options: PublishOptions) => Promise<unknown>;

/**
 * Writes `count` events over `keys` keys (event i goes to key i % keys, and is the n-th of its
 * key), `perTransaction` per transaction, interleaving keys so per-key order means something.
 */
export async function writeEvents(pool: pg.Pool, write: WriteEvent, count: number, keys: number, perTransaction = 200, from = 0): Promise<void> {
  for (let start = from; start < from + count; start += perTransaction) {
    await inTransaction(pool, async (client) => {
      for (let i = start; i < Math.min(start + perTransaction, from + count); i++) {
        const key = `k${i % keys}`;
        await write(client, { orderId: key, n: Math.floor(i / keys) }, { key });
      }
    });
  }
}
