import type { RedisOptions } from 'ioredis';
import type { RedisConnectionOptions } from './redis.options.js';
import { redactUrl } from '../../core/redact.js';

export type RedisArg = string | Buffer | number;

/**
 * The part of an ioredis client (standalone or cluster) the transport uses. Commands go through
 * `call` / `callBuffer`, which both client kinds share, instead of the typed overloads.
 */
export interface RedisClientLike {
  readonly status: string;
  call(command: string, args: RedisArg[]): Promise<unknown>;
  callBuffer(command: string, args: RedisArg[]): Promise<unknown>;
  pipeline(): RedisPipelineLike;
  on(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
  connect(): Promise<void>;
  quit(): Promise<unknown>;
  disconnect(reconnect?: boolean): void;
}

export interface RedisPipelineLike {
  call(command: string, args: RedisArg[]): unknown;
  exec(): Promise<[Error | null, unknown][] | null>;
}

/** A subscriber connection: the client plus the pub/sub commands ioredis tracks for resubscribe. */
export interface RedisSubscriberLike extends RedisClientLike {
  subscribe(...channels: string[]): Promise<unknown>;
  psubscribe(...patterns: string[]): Promise<unknown>;
  unsubscribe(...channels: string[]): Promise<unknown>;
  punsubscribe(...patterns: string[]): Promise<unknown>;
}

/** Builds ioredis clients for one set of connection options; ioredis is imported on first use. */
export class RedisClientFactory {
  constructor(private readonly options: RedisConnectionOptions) {}

  /**
   * A new, not yet connected client: `defaults` < the user's options < `forced`. Forced options
   * are the ones the transport's correctness depends on.
   */
  async create(defaults: Partial<RedisOptions>, forced: Partial<RedisOptions> = {}): Promise<RedisClientLike> {
    const { Redis, Cluster } = await import('ioredis');
    const { url, redis, cluster } = this.options;
    if (cluster) {
      const clusterOptions = cluster.options ?? {};
      const client = new Cluster(cluster.nodes, {
        enableOfflineQueue: defaults.enableOfflineQueue,
        ...clusterOptions,
        ...(forced.enableOfflineQueue === undefined ? {} : { enableOfflineQueue: forced.enableOfflineQueue }),
        lazyConnect: true,
        redisOptions: { ...defaults, ...clusterOptions.redisOptions, ...forced },
      });
      return client as unknown as RedisClientLike;
    }
    const merged: RedisOptions = { ...defaults, ...redis, ...forced, lazyConnect: true };
    const client = url ? new Redis(url, merged) : new Redis(merged);
    return client as unknown as RedisClientLike;
  }

  get isCluster(): boolean {
    return this.options.cluster !== undefined;
  }

  /** Where it connects, for logs and errors, with any password hidden. */
  describe(): string {
    const { url, redis, cluster } = this.options;
    if (cluster) return 'cluster ' + cluster.nodes.map((n) => (typeof n === 'object' ? `${n.host ?? ''}:${n.port ?? ''}` : String(n))).join(',');
    if (redis?.sentinels) return `sentinel ${redis.name ?? ''}`;
    if (url) return redactUrl(url);
    return `redis://${redis?.host ?? '127.0.0.1'}:${redis?.port ?? 6379}`;
  }
}

/** Connects, or disconnects and rethrows so ioredis stops retrying in the background. */
export async function connectOrDispose(client: RedisClientLike, where: string): Promise<void> {
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new Error(`Could not connect to Redis at ${where}: ${(error as Error).message}`, { cause: error });
  }
}

/** Quit politely, or cut the socket when the server cannot answer. */
export async function closeClient(client: RedisClientLike): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
