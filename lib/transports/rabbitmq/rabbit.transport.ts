import type { ChannelModel } from 'amqplib';
import type { BrowsedMessages } from '../../core/browse.js';
import { NestreamLogger } from '../../core/logger.js';
import type { InboundMessage, OutboundMessage } from '../../core/message.js';
import type { MessageContext, MessageContextInit } from '../../core/message-context.js';
import type { TransportRequestOptions, SubscribeRequest, Subscription, Transport, TransportCapabilities, TransportHealth } from '../../core/transport.js';
import { OncePromise } from '../kit/once-promise.js';
import { checkOptions } from '../kit/option-checks.js';
import { RabbitQueueConsumer } from './consumers/queue-consumer.js';
import { messageOf, RabbitConnection } from './rabbit.connection.js';
import { RabbitContext } from './rabbit.context.js';
import { resolveRabbitOptions, SUBSCRIBER_OPTION_SPEC, type RabbitPublishOptions, type RabbitSubscribeOptions, type RabbitTransportOptions, type ResolvedRabbitOptions } from './rabbit.options.js';
import { RabbitPublisher } from './rabbit.publisher.js';
import { browseQueue } from './rabbit.browse.js';
import { RabbitReplies } from './rabbit.replies.js';
import { RabbitTopology } from './rabbit.topology.js';
import { assertWithinLimit } from '../kit/payload-limit.js';

/** What RabbitMQ promises (README, RabbitMQ › Capabilities, says why each holds). */
const CAPABILITIES: TransportCapabilities = {
  consumerGroups: true, // a group is a queue
  persistent: true, // durable queues, persistent messages, publisher confirms
  orderedPerKey: false, // RabbitMQ has no message key
  lossy: false, // manual acks after the handler settles
  nativeDelayedRedelivery: true, // TTL retry queues on the broker
};

/**
 * RabbitMQ over amqplib: topology declared from options, one durable queue per consumer group
 * and topic, confirmed persistent publishes, manual acks, delayed retries through TTL retry
 * queues, and reconnection that re-declares topology and resumes consumers.
 */
export class RabbitTransport implements Transport {
  readonly kind = 'rabbitmq';
  readonly capabilities = CAPABILITIES;
  private readonly options: ResolvedRabbitOptions;
  /** How a refused publish names its limit: RabbitMQ's default, or the one the options set. */
  private readonly maxMessageLimitName: string;
  private readonly connection: RabbitConnection;
  private readonly topology: RabbitTopology;
  private readonly publisher: RabbitPublisher;
  private readonly replies: RabbitReplies;
  private readonly consumers = new Set<RabbitQueueConsumer>();
  private readonly connected = new OncePromise(() => this.connectNow());
  private closing?: Promise<void>;
  private readonly logger = new NestreamLogger('RabbitTransport');

  constructor(options: RabbitTransportOptions) {
    this.options = resolveRabbitOptions(options);
    this.maxMessageLimitName = options.maxMessageBytes === undefined ? "RabbitMQ's max_message_size (its default)" : "the server's max_message_size (maxMessageBytes)";
    this.connection = new RabbitConnection(this.options);
    this.topology = new RabbitTopology(this.options);
    this.publisher = new RabbitPublisher(this.options, this.connection, this.topology);
    this.replies = new RabbitReplies(this.options, this.connection);
    this.connection.onReconnect((model) => this.recover(model));
  }

  connect(): Promise<void> {
    if (this.closing) return Promise.reject(new Error('RabbitTransport is closed'));
    return this.connected.run();
  }

  checkSubscriberOptions(options: Readonly<Record<string, unknown>>): readonly string[] {
    return checkOptions(SUBSCRIBER_OPTION_SPEC, options);
  }

  async subscribe(request: SubscribeRequest): Promise<Subscription> {
    await this.connect();
    const model = await this.connection.whenUp(this.options.publishTimeoutMs);
    const options = request.options as RabbitSubscribeOptions;
    const consumer = new RabbitQueueConsumer(
      {
        queue: this.topology.groupQueue(request.topic, request.group, options),
        concurrency: request.concurrency,
        prefetch: options.prefetch,
        handler: request.handler,
      },
      this.connection,
      this.topology,
      this.publisher,
    );
    await consumer.start(model).catch(async (error: unknown) => {
      await consumer.close();
      throw error;
    });
    this.consumers.add(consumer);
    return { close: () => consumer.close().finally(() => this.consumers.delete(consumer)) };
  }

  /** Not an async function: once connected, the publisher's own promise, nothing awaited before it. */
  publish(message: OutboundMessage): Promise<void> {
    try {
      if (this.closing) throw new Error(`RabbitTransport is closed; cannot publish to ${message.topic}`);
      assertWithinLimit(message, this.options.maxMessageBytes, this.maxMessageLimitName);
      // Publishing before connect() connects (bounded); while reconnecting it waits up to publishTimeoutMs.
      if (this.connection.isIdle) return this.connect().then(() => this.publisher.publish(message));
      return this.publisher.publish(message);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** A request over direct reply-to (see RabbitReplies). */
  async request(message: OutboundMessage, options: TransportRequestOptions): Promise<InboundMessage> {
    if (this.closing) throw new Error(`RabbitTransport is closed; cannot send a request to ${message.topic}`);
    if (this.connection.isIdle) await this.connect();
    return this.replies.request(message, options.timeoutMs);
  }

  /** To the request's `reply_to` through the default exchange, with its `correlation_id` property (as FastStream replies). */
  async reply(request: InboundMessage, message: OutboundMessage): Promise<void> {
    if (this.connection.isIdle) await this.connect();
    const options: RabbitPublishOptions = { exchange: '', routingKey: request.replyTo!, persistent: false };
    await this.publisher.publish({ ...message, options: options as Record<string, unknown> });
  }

  /** Requests waiting for their reply (0 when none leaked). */
  get pendingRequests(): number {
    return this.replies.pending.size;
  }

  close(): Promise<void> {
    return (this.closing ??= this.closeNow());
  }

  /**
   * `down` before connecting, after close, and while a consumer is down (it keeps restarting
   * itself); a resource alarm is no error of ours, but whoever reads health should see
   * publishes waiting, so it shows as the last error while the status stays `up`.
   */
  health(): TransportHealth {
    const down = [...this.consumers].find((consumer) => consumer.state === 'down');
    const failing = down && (down.lastError ?? `the consumer of queue "${down.queueName}" is down`);
    let report = this.connection.status.health(this.consumers.size, failing);
    if (this.connection.blockedReason && !failing) report = { ...report, lastError: `publishing blocked by the broker: ${this.connection.blockedReason}` };
    const offline = this.closing !== undefined || this.connection.isIdle || this.connection.isClosed;
    return offline ? { ...report, status: 'down' } : report;
  }

  /** The queue named `topic` by basic.get, unacked until released, then requeued (rabbit.browse.ts). */
  async browse(topic: string, limit: number): Promise<BrowsedMessages> {
    await this.connect();
    return browseQueue(await this.connection.whenUp(this.options.publishTimeoutMs), topic, limit);
  }

  /** The amqplib ChannelModel (connection) while connected, else undefined. */
  unwrap<T = unknown>(): T {
    return this.connection.current as T;
  }

  createContext(init: MessageContextInit): MessageContext {
    return new RabbitContext(init);
  }

  private async connectNow(): Promise<void> {
    const model = await this.connection.open();
    try {
      await this.topology.declareConfigured(model);
    } catch (error) {
      // A refused declaration is a configuration error: fail the bootstrap, keep nothing open.
      await this.topology.close();
      await this.connection.close();
      throw error;
    }
  }

  /** After a reconnect: topology first, then every consumer consumes again. */
  private async recover(model: ChannelModel): Promise<void> {
    try {
      await this.topology.declareConfigured(model);
    } catch (error) {
      this.logger.error(`re-declaring topology after a reconnect failed: ${messageOf(error)}`);
    }
    await Promise.all([...this.consumers].map((consumer) => consumer.resume(model)));
  }

  private async closeNow(): Promise<void> {
    if (this.connected.started) await this.connected.run().catch(() => undefined);
    await Promise.all([...this.consumers].map((consumer) => consumer.close()));
    this.consumers.clear();
    await this.replies.close();
    await this.publisher.close();
    await this.topology.close();
    await this.connection.close();
  }
}
