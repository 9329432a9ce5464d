import type { ClusterOptions, RedisOptions } from 'ioredis';
import type { NestreamLogger } from '../../core/logger.js';
import { redactUrl } from '../../core/redact.js';
import type { TransportHealth } from '../../core/transport.js';
import { BrokerStatus } from '../kit/broker-status.js';
import { OncePromise } from '../kit/once-promise.js';
import { REDIS_DEFAULTS, type RedisConnectionOptions } from './redis.options.js';

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

/** Why a subscription is not consuming, when it is not. */
export interface ConsumerProblem {
  readonly status: 'down' | 'connecting';
  readonly error?: string;
}

/**
 * Reconnect every 50 ms more, at most every 500 ms (ioredis' own cap is 2 s): back within a
 * second of Redis, whatever the outage's length. A user's `redis.retryStrategy` wins.
 */
const reconnectDelay = (attempt: number): number => Math.min(attempt * 50, 500);

/**
 * ioredis Cluster options under the user's: a command to a master that died is retried every
 * 300 ms (with a slot refresh each time) for up to ~12 s, longer than a replica takes to be
 * promoted at a `cluster-node-timeout` of a few seconds, so publishes and reads wait out a
 * failover instead of failing; the slot map is also refreshed every 2 s, so a promotion is
 * seen before a command runs into it; a cluster unreachable as a whole is reconnected to every
 * 50 ms more, at most every 500 ms, as a single node is.
 */
const CLUSTER_DEFAULTS = {
  retryDelayOnFailover: 300,
  retryDelayOnClusterDown: 300,
  retryDelayOnTryAgain: 100,
  maxRedirections: 40,
  slotsRefreshInterval: 2000,
  clusterRetryStrategy: reconnectDelay,
} satisfies ClusterOptions;

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
      // Per node: neither a retryStrategy nor enableOfflineQueue (ioredis' own: a lost node is
      // dropped and found again through CLUSTER SLOTS, not reconnected to forever); they apply
      // to the cluster as a whole instead.
      const { retryStrategy: _retry, enableOfflineQueue: _offline, ...nodeDefaults } = defaults;
      const { enableOfflineQueue: forcedOffline, ...nodeForced } = forced;
      const client = new Cluster(cluster.nodes, {
        ...CLUSTER_DEFAULTS,
        enableOfflineQueue: defaults.enableOfflineQueue,
        ...clusterOptions,
        ...(forcedOffline === undefined ? {} : { enableOfflineQueue: forcedOffline }),
        lazyConnect: true,
        redisOptions: { ...nodeDefaults, ...clusterOptions.redisOptions, ...nodeForced },
      });
      return client as unknown as RedisClientLike;
    }
    const merged: RedisOptions = { retryStrategy: reconnectDelay, ...defaults, ...redis, ...forced, lazyConnect: true };
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

/**
 * The transport's connections: one shared connection (publishes, acks, admin commands) opened
 * once, plus a dedicated one per subscription (a blocked XREADGROUP or a subscribed connection
 * can do nothing else). All of them report to one BrokerStatus.
 */
export class RedisConnection {
  readonly status = new BrokerStatus();
  readonly factory: RedisClientFactory;
  private client?: RedisClientLike;
  private closed = false;
  private readonly opening = new OncePromise(() => this.open());
  private readonly readyListeners: (() => void)[] = [];

  constructor(
    options: RedisConnectionOptions,
    private readonly logger: NestreamLogger,
  ) {
    this.factory = new RedisClientFactory(options);
  }

  /** Idempotent; concurrent callers share one attempt, a failed one is forgotten. */
  connect(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('RedisTransport is closed'));
    return this.opening.run();
  }

  /** The shared client; throws before `connect()` resolved. */
  get shared(): RedisClientLike {
    if (!this.client) throw new Error('RedisTransport is not connected');
    return this.client;
  }

  /** The shared client, or undefined before `connect()`. */
  get current(): RedisClientLike | undefined {
    return this.client;
  }

  /** Runs whenever the shared connection is ready again after a reconnect. */
  onReconnect(listener: () => void): void {
    this.readyListeners.push(listener);
  }

  /** A new connection of its own for one subscription, connected and watched. */
  async dedicated(role: string, defaults: Partial<RedisOptions>, forced: Partial<RedisOptions>): Promise<RedisClientLike> {
    const client = await this.factory.create(defaults, forced);
    this.watch(client, role);
    await connectOrDispose(client, this.factory.describe());
    return client;
  }

  /** `down` when closed or a consumer keeps failing, `connecting` while anything reconnects. */
  health(subscriptions: number, problems: readonly ConsumerProblem[]): TransportHealth {
    if (this.status.state !== 'up') return this.status.health(subscriptions);
    const down = problems.find((problem) => problem.status === 'down');
    if (down) return this.status.health(subscriptions, down.error ?? 'a subscription is failing');
    const health = this.status.health(subscriptions);
    return problems.length > 0 ? { ...health, status: 'connecting' } : health;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.opening.started) await this.opening.run().catch(() => undefined);
    // Let acks and publishes queued in this turn reach Redis before the connection goes.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.client) await closeClient(this.client);
    this.status.fail(new Error('closed'), 'RedisTransport');
  }

  private async open(): Promise<void> {
    // Commands fail fast while Redis is unreachable; one cut by a reconnect fails after two
    // attempts instead of twenty; a socket that stops answering is dropped and reconnected.
    const client = await this.factory.create(
      { enableOfflineQueue: false, maxRetriesPerRequest: 2, socketTimeout: REDIS_DEFAULTS.socketTimeoutMs },
      { replyMapping: 'legacy' },
    );
    this.watch(client, 'connection');
    try {
      await connectOrDispose(client, this.factory.describe());
    } catch (error) {
      throw this.status.fail(error, 'connect');
    }
    this.client = client;
    this.status.up();
    client.on('ready', () => {
      if (this.closed) return;
      this.status.up();
      for (const listener of this.readyListeners) listener();
    });
    client.on('close', () => this.closed || this.status.connecting());
    client.on('end', () => this.closed || this.status.fail(new Error('ioredis stopped reconnecting'), 'Redis connection'));
  }

  /** Every connection gets an error listener: an unhandled 'error' event would crash the process. */
  private watch(client: RedisClientLike, role: string): void {
    let lastLogged: string | undefined;
    const where = this.factory.describe();
    client.on('error', (error: Error) => {
      this.status.note(`Redis ${role}: ${error.message}`);
      if (error.message !== lastLogged) this.logger.warn(`Redis ${role} (${where}): ${error.message}`);
      lastLogged = error.message;
    });
    client.on('ready', () => {
      if (lastLogged !== undefined) this.logger.log(`Redis ${role} (${where}) reconnected`);
      lastLogged = undefined;
    });
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
