import type { NestreamLogger } from '../../core/logger.js';
import type { OutboundMessage } from '../../core/message.js';
import type { SubscribeRequest, TransportCapabilities } from '../../core/transport.js';
import { checkOptions, type OptionCheck } from '../kit/option-checks.js';
import { PubSubConsumer } from './consumers/pubsub-consumer.js';
import type { RedisConsumer } from './consumers/redis-consumer.js';
import { StreamConsumer } from './consumers/stream-consumer.js';
import { AckBatcher, PipelinedCommands } from './pipelined-commands.js';
import { closeClient, type RedisConnection, type RedisSubscriberLike } from './redis.connection.js';
import {
  isPatternSubscription,
  PUBSUB_SUBSCRIBER_OPTIONS,
  resolveStreamSubscription,
  STREAM_SUBSCRIBER_OPTIONS,
  type RedisPubSubSubscribeOptions,
  type RedisStreamSubscribeOptions,
  type RedisTransportMode,
  type ResolvedRedisOptions,
} from './redis.options.js';
import { PubSubPublisher, StreamPublisher, type RedisPublisher } from './redis.publisher.js';
import { ensureGroup, streamKey } from './redis.topology.js';
import { StreamCommands } from './stream-commands.js';

/** What differs between the two modes of one RedisTransport: how it publishes and consumes. */
export interface RedisMode {
  readonly kind: 'redis-streams' | 'redis-pubsub';
  readonly capabilities: TransportCapabilities;
  readonly publisher: RedisPublisher;
  /** Opens this subscription's connection and starts consuming. */
  subscribe(request: SubscribeRequest): Promise<RedisConsumer>;
  checkSubscriberOptions(options: Readonly<Record<string, unknown>>): string[];
}

export interface RedisModeDeps {
  readonly connection: RedisConnection;
  readonly options: ResolvedRedisOptions;
  readonly logger: NestreamLogger;
}

/** A topic is a stream, a group a consumer group: at-least-once, XACK after the handler settles. */
class StreamsMode implements RedisMode {
  readonly kind = 'redis-streams';
  readonly capabilities: TransportCapabilities = { consumerGroups: true, persistent: true, orderedPerKey: false, lossy: false, nativeDelayedRedelivery: false };
  readonly publisher: StreamPublisher;
  private readonly acks: AckBatcher;

  constructor(private readonly deps: RedisModeDeps) {
    const shared = () => deps.connection.shared;
    this.publisher = new StreamPublisher(new PipelinedCommands(shared, !deps.connection.factory.isCluster), deps.options.maxLen, deps.options.wireFormat);
    this.acks = new AckBatcher(shared);
    deps.connection.onReconnect(() => this.acks.resendFailed());
  }

  async subscribe(request: SubscribeRequest): Promise<RedisConsumer> {
    const { connection, options, logger } = this.deps;
    const settings = resolveStreamSubscription(options, request.options as RedisStreamSubscribeOptions);
    const commands = new StreamCommands(streamKey(request.topic), request.group, settings.consumerName);
    await ensureGroup(connection.shared, commands.stream, commands.group, settings.startFrom);
    // A read cut by a reconnect must fail (and be issued again by the loop), not be resent
    // blindly by ioredis; socketTimeout is off, as a blocked read is silent by design (the
    // consumer guards it instead).
    const blocking = await connection.dedicated(
      `consumer ${settings.consumerName}`,
      { connectionName: `nestream:${settings.consumerName}` },
      { enableOfflineQueue: false, autoResendUnfulfilledCommands: false, replyMapping: 'legacy', socketTimeout: undefined },
    );
    const consumer = new StreamConsumer({
      commands,
      blocking,
      control: () => connection.shared,
      acks: this.acks,
      handler: request.handler,
      concurrency: Math.max(1, request.concurrency),
      blockMs: options.blockMs,
      blockGuardMs: options.blockGuardMs,
      claimIdleMs: settings.claimIdleMs,
      claimIntervalMs: settings.claimIntervalMs,
      unblockable: !connection.factory.isCluster,
      removeConsumerOnClose: settings.generatedName,
      logger,
      onError: (message) => connection.status.note(message),
    });
    await consumer.start();
    return consumer;
  }

  checkSubscriberOptions(options: Readonly<Record<string, unknown>>): string[] {
    return checkModeOptions(STREAM_SUBSCRIBER_OPTIONS, PUBSUB_SUBSCRIBER_OPTIONS, 'pubsub', options);
  }
}

/** A topic is a channel or a pattern: at-most-once, nothing is stored. */
class PubSubMode implements RedisMode {
  readonly kind = 'redis-pubsub';
  readonly capabilities: TransportCapabilities = { consumerGroups: false, persistent: false, orderedPerKey: false, lossy: true, nativeDelayedRedelivery: false };
  readonly publisher: PubSubPublisher;

  constructor(private readonly deps: RedisModeDeps) {
    this.publisher = new PubSubPublisher(new PipelinedCommands(() => deps.connection.shared, !deps.connection.factory.isCluster), deps.options.wireFormat);
  }

  async subscribe(request: SubscribeRequest): Promise<RedisConsumer> {
    const { connection, options, logger } = this.deps;
    // ioredis subscribes again by itself after a reconnect (autoResubscribe).
    const client = (await connection.dedicated(`subscriber ${request.topic}`, {}, { autoResubscribe: true, enableOfflineQueue: true })) as RedisSubscriberLike;
    const consumer = new PubSubConsumer({
      client,
      topic: request.topic,
      pattern: isPatternSubscription(request.topic, request.options as RedisPubSubSubscribeOptions),
      handler: request.handler,
      concurrency: Math.max(1, request.concurrency),
      bufferSize: options.bufferSize,
      logger,
    });
    try {
      await consumer.start();
    } catch (error) {
      await closeClient(client);
      throw error;
    }
    return consumer;
  }

  checkSubscriberOptions(options: Readonly<Record<string, unknown>>): string[] {
    return checkModeOptions(PUBSUB_SUBSCRIBER_OPTIONS, STREAM_SUBSCRIBER_OPTIONS, 'streams', options);
  }
}

const MODES: Record<RedisTransportMode, new (deps: RedisModeDeps) => RedisMode> = { streams: StreamsMode, pubsub: PubSubMode };

export function redisMode(deps: RedisModeDeps): RedisMode {
  const Mode = MODES[deps.options.mode];
  if (!Mode) throw new Error(`RedisTransport: unknown mode '${String(deps.options.mode)}' (known: ${Object.keys(MODES).join(', ')})`);
  return new Mode(deps);
}

/** The mode's own checks, and a clear word for an option of the other mode (it would be ignored). */
function checkModeOptions(
  own: Readonly<Record<string, OptionCheck>>,
  other: Readonly<Record<string, OptionCheck>>,
  otherMode: RedisTransportMode,
  options: Readonly<Record<string, unknown>>,
): string[] {
  const misplaced = Object.keys(options).filter((key) => key in other && !(key in own));
  const rest = Object.fromEntries(Object.entries(options).filter(([key]) => !misplaced.includes(key)));
  return [...misplaced.map((key) => `'${key}' is a ${otherMode}-mode option; this RedisTransport is not in ${otherMode} mode`), ...checkOptions(own, rest)];
}
