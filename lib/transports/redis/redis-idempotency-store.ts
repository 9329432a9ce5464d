import type { IdempotencyStore } from '../../core/idempotency-store.js';
import { OncePromise } from '../kit/once-promise.js';
import { connectOrDispose, closeClient, RedisClientFactory, type RedisClientLike } from './redis.connection.js';
import { REDIS_DEFAULTS, type RedisConnectionOptions } from './redis.options.js';

export interface RedisIdempotencyStoreOptions extends RedisConnectionOptions {
  /**
   * An ioredis client (Redis or Cluster) to use, or a function giving one (e.g. a transport's
   * connection). Without it the store opens its own connection from `url` / `redis` / `cluster`.
   */
  client?: unknown | (() => Promise<unknown>);
  /** Prepended to every key. Default `nestream:idempotency:`. */
  keyPrefix?: string;
}

/**
 * Remembers processed idempotency keys in Redis, so every instance of a service (whatever
 * broker it consumes from) skips a message another instance already handled.
 * `add` is `SET <prefix><key> 1 PX <ttl> NX`; `has` is `EXISTS`.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly keyPrefix: string;
  private readonly connecting = new OncePromise(() => this.resolveClient());
  private ownsClient = false;

  constructor(private readonly options: RedisIdempotencyStoreOptions = {}) {
    this.keyPrefix = options.keyPrefix ?? 'nestream:idempotency:';
  }

  async has(key: string): Promise<boolean> {
    const client = await this.client();
    return Number(await client.call('EXISTS', [this.keyPrefix + key])) === 1;
  }

  async add(key: string, ttlMs: number): Promise<void> {
    const client = await this.client();
    await client.call('SET', [this.keyPrefix + key, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX']);
  }

  /** Closes the connection if the store opened it. */
  async close(): Promise<void> {
    if (!this.ownsClient || !this.connecting.started) return;
    const client = await this.connecting.run().catch(() => undefined);
    this.connecting.reset();
    if (client) await closeClient(client);
  }

  private client(): Promise<RedisClientLike> {
    return this.connecting.run();
  }

  private async resolveClient(): Promise<RedisClientLike> {
    const { client } = this.options;
    if (typeof client === 'function') return (await (client as () => Promise<unknown>)()) as RedisClientLike;
    if (client) return client as RedisClientLike;
    const factory = new RedisClientFactory(this.options);
    const own = await factory.create({ enableOfflineQueue: false, maxRetriesPerRequest: 2, socketTimeout: REDIS_DEFAULTS.socketTimeoutMs });
    own.on('error', () => undefined); // failures surface on the calls that need the connection
    await connectOrDispose(own, factory.describe());
    this.ownsClient = true;
    return own;
  }
}
