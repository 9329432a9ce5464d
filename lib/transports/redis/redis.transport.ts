import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { OutboundMessage } from '../../core/message.js';
import type { MessageContext, MessageContextInit } from '../../core/message-context.js';
import type { SubscribeRequest, Subscription, Transport, TransportCapabilities, TransportHealth } from '../../core/transport.js';
import { AckBatcher, PipelinedCommands } from './pipelined-commands.js';
import { encodeEnvelope } from './pubsub-envelope.js';
import { PubSubSubscriber } from './pubsub-subscriber.js';
import { closeClient, connectOrDispose, errorMessage, RedisClientFactory, type RedisArg, type RedisClientLike, type RedisSubscriberLike } from './redis-client.js';
import { RedisContext } from './redis.context.js';
import { RedisIdempotencyStore } from './redis-idempotency-store.js';
import { redisDefaults, type RedisPublishOptions, type RedisSubscribeOptions, type RedisTransportMode, type RedisTransportOptions } from './redis.options.js';
import { StreamCommands } from './stream-commands.js';
import { StreamConsumer } from './stream-consumer.js';
import { encodeEntryFields } from './stream-entry-codec.js';

const streamsCapabilities: TransportCapabilities = {
  consumerGroups: true,
  persistent: true,
  orderedPerKey: false,
  lossy: false,
  nativeDelayedRedelivery: false,
};

const pubSubCapabilities: TransportCapabilities = {
  consumerGroups: false,
  persistent: false,
  orderedPerKey: false,
  lossy: true,
  nativeDelayedRedelivery: false,
};

interface OpenSubscription {
  close(): Promise<void>;
  /** Why the subscription is not consuming, when it is not. */
  problem(): { status: 'down' | 'connecting'; error?: string } | undefined;
}

/**
 * Redis through ioredis, in one of two modes. 'streams' (default): a topic is a stream, a
 * group a consumer group; at-least-once with XACK, redelivery of pending entries and
 * XAUTOCLAIM of entries left by dead consumers. 'pubsub': a topic is a channel (or a pattern);
 * at-most-once, nothing is stored.
 */
export class RedisTransport implements Transport {
  readonly kind: 'redis-streams' | 'redis-pubsub';
  readonly capabilities: TransportCapabilities;
  readonly mode: RedisTransportMode;
  private readonly logger = new Logger(RedisTransport.name);
  private readonly factory: RedisClientFactory;
  private readonly publisher: PipelinedCommands;
  private readonly acks: AckBatcher;
  private readonly subscriptions = new Set<OpenSubscription>();
  private client?: RedisClientLike;
  private connecting?: Promise<void>;
  private closing?: Promise<void>;
  private lastError?: string;

  constructor(private readonly options: RedisTransportOptions = {}) {
    this.mode = options.mode ?? 'streams';
    this.kind = this.mode === 'pubsub' ? 'redis-pubsub' : 'redis-streams';
    this.capabilities = this.mode === 'pubsub' ? pubSubCapabilities : streamsCapabilities;
    this.factory = new RedisClientFactory(options);
    this.publisher = new PipelinedCommands(() => this.connected(), !this.factory.isCluster);
    this.acks = new AckBatcher(() => this.connected());
  }

  connect(): Promise<void> {
    if (this.closing) return Promise.reject(new Error('RedisTransport is closed'));
    return (this.connecting ??= this.openConnection().catch((error: unknown) => {
      this.connecting = undefined;
      this.lastError = errorMessage(error);
      throw error;
    }));
  }

  async publish(message: OutboundMessage): Promise<void> {
    await this.connect();
    const options = (message.options ?? {}) as RedisPublishOptions;
    if (this.mode === 'pubsub') {
      await this.publisher.send('PUBLISH', [message.topic, encodeEnvelope(message.body, message.headers)]);
      return;
    }
    const maxLen = options.maxLen ?? this.options.maxLen;
    const trim: RedisArg[] = maxLen === undefined ? [] : ['MAXLEN', '~', maxLen];
    await this.publisher.send('XADD', [message.topic, ...trim, '*', ...encodeEntryFields(message)]);
  }

  async subscribe(request: SubscribeRequest): Promise<Subscription> {
    await this.connect();
    const subscription = this.mode === 'pubsub' ? await this.subscribePubSub(request) : await this.subscribeStream(request);
    this.subscriptions.add(subscription);
    let closed: Promise<void> | undefined;
    return {
      close: () =>
        (closed ??= subscription.close().finally(() => this.subscriptions.delete(subscription))),
    };
  }

  close(): Promise<void> {
    return (this.closing ??= (async () => {
      await Promise.allSettled([...this.subscriptions].map((subscription) => subscription.close()));
      this.subscriptions.clear();
      await this.connecting?.catch(() => undefined);
      // Let acks and publishes queued in this turn reach Redis before the connection goes.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.client) await closeClient(this.client);
    })());
  }

  health(): TransportHealth {
    const subscriptions = this.subscriptions.size;
    if (this.closing) return { status: 'down', subscriptions, lastError: this.lastError };
    const status = this.client?.status;
    if (status === undefined) {
      return { status: this.connecting ? 'connecting' : 'down', subscriptions, lastError: this.lastError };
    }
    if (status === 'end' || status === 'close') return { status: 'down', subscriptions, lastError: this.lastError };
    if (status !== 'ready') return { status: 'connecting', subscriptions, lastError: this.lastError };
    for (const subscription of this.subscriptions) {
      const problem = subscription.problem();
      if (problem) return { status: problem.status, subscriptions, lastError: problem.error ?? this.lastError };
    }
    return { status: 'up', subscriptions, lastError: this.lastError };
  }

  /** The shared ioredis client (Redis or Cluster); undefined before `connect()`. */
  unwrap<T = unknown>(): T {
    return this.client as T;
  }

  createContext(init: MessageContextInit): MessageContext {
    return new RedisContext(init);
  }

  /** An idempotency store on this transport's connection. */
  idempotencyStore(keyPrefix?: string): RedisIdempotencyStore {
    return new RedisIdempotencyStore({ keyPrefix, client: async () => (await this.connect(), this.connected()) });
  }

  private async openConnection(): Promise<void> {
    // Commands fail fast while Redis is unreachable; one cut by a reconnect fails after two
    // attempts instead of twenty; a socket that stops answering is dropped and reconnected.
    const client = await this.factory.create(
      { enableOfflineQueue: false, maxRetriesPerRequest: 2, socketTimeout: redisDefaults.socketTimeoutMs },
      { replyMapping: 'legacy' },
    );
    this.watch(client, 'connection');
    client.on('ready', () => this.acks.resendFailed());
    await connectOrDispose(client, this.factory.describe());
    this.client = client;
  }

  private connected(): RedisClientLike {
    if (!this.client) throw new Error('RedisTransport is not connected');
    return this.client;
  }

  private async subscribeStream(request: SubscribeRequest): Promise<OpenSubscription> {
    const options = request.options as RedisSubscribeOptions;
    const generatedName = !(options.consumerName ?? this.options.consumerName);
    const consumerName = options.consumerName ?? this.options.consumerName ?? `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
    const commands = new StreamCommands(request.topic, request.group, consumerName);
    await commands.ensureGroup(this.connected(), options.startFrom ?? this.options.startFrom ?? '$');
    // Its own connection: a blocked XREADGROUP holds it. A read cut by a reconnect must fail
    // (and be issued again by the loop), not be resent blindly by ioredis.
    const blocking = await this.factory.create(
      { connectionName: `nestream:${consumerName}` },
      // socketTimeout off: a blocked read is silent by design; the consumer guards it instead.
      { enableOfflineQueue: false, autoResendUnfulfilledCommands: false, replyMapping: 'legacy', socketTimeout: undefined },
    );
    this.watch(blocking, `consumer ${consumerName}`);
    await connectOrDispose(blocking, this.factory.describe());
    const claimIdleMs = options.claimIdleMs ?? this.options.claimIdleMs ?? redisDefaults.claimIdleMs;
    const consumer = new StreamConsumer({
      commands,
      blocking,
      control: () => this.connected(),
      acks: this.acks,
      handler: request.handler,
      concurrency: Math.max(1, request.concurrency),
      blockMs: this.options.blockMs ?? redisDefaults.blockMs,
      blockGuardMs: this.options.blockGuardMs ?? redisDefaults.blockGuardMs,
      claimIdleMs,
      claimIntervalMs: this.options.claimIntervalMs ?? Math.max(100, Math.floor(claimIdleMs / 2)),
      removeConsumerOnClose: generatedName,
      logger: this.logger,
      onError: (error) => (this.lastError = errorMessage(error)),
    });
    await consumer.start();
    return {
      close: () => consumer.close(),
      problem: () => {
        if (blocking.status !== 'ready') return { status: 'connecting', error: consumer.lastError };
        return consumer.failing ? { status: 'down', error: consumer.lastError } : undefined;
      },
    };
  }

  private async subscribePubSub(request: SubscribeRequest): Promise<OpenSubscription> {
    const options = request.options as RedisSubscribeOptions;
    // ioredis subscribes again by itself after a reconnect (autoResubscribe).
    const client = (await this.factory.create({}, { autoResubscribe: true, enableOfflineQueue: true })) as RedisSubscriberLike;
    this.watch(client, `subscriber ${request.topic}`);
    await connectOrDispose(client, this.factory.describe());
    const subscriber = new PubSubSubscriber({
      client,
      topic: request.topic,
      pattern: options.pattern ?? request.topic.includes('*'),
      handler: request.handler,
      concurrency: Math.max(1, request.concurrency),
      bufferSize: this.options.bufferSize ?? redisDefaults.bufferSize,
      logger: this.logger,
    });
    try {
      await subscriber.start();
    } catch (error) {
      await closeClient(client);
      throw error;
    }
    return {
      close: () => subscriber.close(),
      problem: () => (subscriber.status === 'ready' ? undefined : { status: 'connecting' }),
    };
  }

  /** Every connection gets an error listener: an unhandled 'error' event would crash the process. */
  private watch(client: RedisClientLike, role: string): void {
    let lastLogged: string | undefined;
    client.on('error', (error: Error) => {
      this.lastError = error.message;
      if (error.message !== lastLogged) this.logger.warn(`Redis ${role} (${this.factory.describe()}): ${error.message}`);
      lastLogged = error.message;
    });
    client.on('ready', () => {
      if (lastLogged !== undefined) this.logger.log(`Redis ${role} (${this.factory.describe()}) reconnected`);
      lastLogged = undefined;
    });
  }
}
