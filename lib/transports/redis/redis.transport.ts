import type { BrowsedMessages } from '../../core/browse.js';
import { NestreamLogger } from '../../core/logger.js';
import type { InboundMessage, OutboundMessage } from '../../core/message.js';
import type { MessageContext, MessageContextInit } from '../../core/message-context.js';
import type { TransportRequestOptions, SubscribeRequest, Subscription, Transport, TransportCapabilities, TransportHealth } from '../../core/transport.js';
import type { RedisConsumer } from './consumers/redis-consumer.js';
import { RedisIdempotencyStore } from './redis-idempotency-store.js';
import { browseStream } from './redis.browse.js';
import { RedisConnection } from './redis.connection.js';
import { RedisContext } from './redis.context.js';
import { RedisReplies } from './redis.replies.js';
import { redisMode, type RedisMode } from './redis.mode.js';
import { resolveRedisOptions, type RedisTransportMode, type RedisTransportOptions } from './redis.options.js';
import { assertWithinLimit } from '../kit/payload-limit.js';
import { OncePromise } from '../kit/once-promise.js';
import { readBulkLimit } from './redis.max-bulk.js';

/**
 * Redis through ioredis, in one of two modes (see RedisMode). 'streams' (default): a topic is a
 * stream, a group a consumer group; at-least-once with XACK, redelivery of pending entries and
 * XAUTOCLAIM of entries left by departed consumers. 'pubsub': a topic is a channel (or a
 * pattern); at-most-once, nothing is stored.
 */
export class RedisTransport implements Transport {
  readonly kind: 'redis-streams' | 'redis-pubsub';
  readonly capabilities: TransportCapabilities;
  readonly mode: RedisTransportMode;
  private readonly logger = new NestreamLogger(RedisTransport.name);
  private readonly connection: RedisConnection;
  private readonly strategy: RedisMode;
  private readonly consumers = new Set<RedisConsumer>();
  private readonly replies: RedisReplies;
  private closing?: Promise<void>;
  /** The server's proto-max-bulk-len, read once the shared connection is up (redis.max-bulk.ts). */
  private readonly bulkLimit = new OncePromise(async () => {
    await this.connection.connect();
    this.knownLimit = await readBulkLimit(this.connection.shared, this.logger);
    return this.knownLimit;
  });
  private knownLimit?: Awaited<ReturnType<typeof readBulkLimit>>;

  constructor(options: RedisTransportOptions = {}) {
    const resolved = resolveRedisOptions(options);
    this.mode = resolved.mode;
    this.connection = new RedisConnection(resolved.connection, this.logger);
    this.strategy = redisMode({ connection: this.connection, options: resolved, logger: this.logger });
    this.replies = new RedisReplies(this.connection, this.logger, resolved.wireFormat);
    this.kind = this.strategy.kind;
    this.capabilities = this.strategy.capabilities;
  }

  async connect(): Promise<void> {
    await this.bulkLimit.run();
  }

  /** Once the limit is known (the first publish or connect), the publisher's own promise: nothing awaited before it. */
  publish(message: OutboundMessage): Promise<void> {
    if (!this.knownLimit) return this.bulkLimit.run().then(() => this.publish(message));
    try {
      assertWithinLimit(message, this.knownLimit.bytes, this.knownLimit.name);
      return this.strategy.publisher.publish(message);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** A request with this instance's reply channel in `reply_to` (see RedisReplies). */
  async request(message: OutboundMessage, options: TransportRequestOptions): Promise<InboundMessage> {
    await this.connection.connect();
    return this.replies.request(message, options.service, options.timeoutMs, (request) => this.strategy.publisher.publish(request));
  }

  /** PUBLISH to the request's reply channel, whichever the mode (as FastStream replies). */
  async reply(request: InboundMessage, message: OutboundMessage): Promise<void> {
    await this.connection.connect();
    await this.replies.reply(request, message);
  }

  /** Requests waiting for their reply (0 when none leaked). */
  get pendingRequests(): number {
    return this.replies.pending.size;
  }

  async subscribe(request: SubscribeRequest): Promise<Subscription> {
    await this.connection.connect();
    const consumer = await this.strategy.subscribe(request);
    this.consumers.add(consumer);
    let closed: Promise<void> | undefined;
    return { close: () => (closed ??= consumer.close().finally(() => this.consumers.delete(consumer))) };
  }

  checkSubscriberOptions(options: Readonly<Record<string, unknown>>): readonly string[] {
    return this.strategy.checkSubscriberOptions(options);
  }

  close(): Promise<void> {
    return (this.closing ??= (async () => {
      // Subscriptions still closing are cut short: the app's shutdown has waited for them already.
      await Promise.allSettled([...this.consumers].map((consumer) => (consumer.cutShort?.(), consumer.close())));
      this.consumers.clear();
      await this.replies.close();
      await this.connection.close();
    })());
  }

  health(): TransportHealth {
    if (this.closing) return this.connection.status.health(this.consumers.size, 'RedisTransport closed');
    const problems = [...this.consumers].flatMap((consumer) => consumer.problem() ?? []);
    return this.connection.health(this.consumers.size, problems);
  }

  /** Streams: the stream's entries by XRANGE, nothing claimed (redis.browse.ts). Pub/Sub keeps nothing to browse. */
  async browse(topic: string, limit: number): Promise<BrowsedMessages> {
    if (this.mode !== 'streams') throw new Error(`RedisTransport in ${this.mode} mode stores no messages to browse; dead letters need streams mode`);
    await this.connection.connect();
    return browseStream(this.connection.shared, topic, limit);
  }

  /** The shared ioredis client (Redis or Cluster); undefined before `connect()`. */
  unwrap<T = unknown>(): T {
    return this.connection.current as T;
  }

  createContext(init: MessageContextInit): MessageContext {
    return new RedisContext(init);
  }

  /** An idempotency store on this transport's connection. */
  idempotencyStore(keyPrefix?: string): RedisIdempotencyStore {
    return new RedisIdempotencyStore({ keyPrefix, client: async () => (await this.connect(), this.connection.shared) });
  }
}
