import { Logger } from '@nestjs/common';
import type { ChannelModel, Options } from 'amqplib';
import type { OutboundMessage } from '../../core/message.js';
import type { MessageContext, MessageContextInit } from '../../core/message-context.js';
import type { SubscribeRequest, Subscription, Transport, TransportCapabilities, TransportHealth } from '../../core/transport.js';
import { ConfirmPublisher } from './confirm-publisher.js';
import { RabbitConnection } from './rabbit-connection.js';
import { RabbitConsumer } from './rabbit-consumer.js';
import { RabbitContext } from './rabbit.context.js';
import { propertiesFromHeaders } from './rabbit-properties.js';
import { TopologyDeclarer } from './rabbit-topology.js';
import {
  resolveRabbitOptions,
  type RabbitExchangeOptions,
  type RabbitPublishOptions,
  type RabbitQueueOptions,
  type RabbitSubscribeOptions,
  type RabbitTransportOptions,
  type ResolvedRabbitOptions,
} from './rabbit.options.js';

/**
 * RabbitMQ over amqplib: topology declared from options, one durable queue per consumer group
 * and topic, confirmed persistent publishes, manual acks, delayed retries through TTL retry
 * queues, and reconnection that re-declares topology and resumes consumers.
 */
export class RabbitTransport implements Transport {
  readonly kind = 'rabbitmq';
  readonly capabilities: TransportCapabilities = {
    consumerGroups: true,
    persistent: true,
    orderedPerKey: false,
    lossy: false,
    nativeDelayedRedelivery: true,
  };
  private readonly options: ResolvedRabbitOptions;
  private readonly connection: RabbitConnection;
  private readonly topology = new TopologyDeclarer();
  private readonly publisher: ConfirmPublisher;
  private readonly consumers = new Set<RabbitConsumer>();
  /** Dead-letter queues declared on the current connection (the broker keeps them; this saves round trips). */
  private readonly declaredDeadLetterQueues = new WeakMap<ChannelModel, Set<string>>();
  private connecting?: Promise<void>;
  private closing?: Promise<void>;
  private readonly logger = new Logger(RabbitTransport.name);

  constructor(options: RabbitTransportOptions) {
    this.options = resolveRabbitOptions(options);
    this.connection = new RabbitConnection(this.options);
    this.publisher = new ConfirmPublisher(this.connection, this.options.publishTimeoutMs);
    this.connection.onReconnect((model) => this.recover(model));
  }

  connect(): Promise<void> {
    if (this.closing) return Promise.reject(new Error('RabbitTransport is closed'));
    this.connecting ??= this.connectNow().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  async subscribe(request: SubscribeRequest): Promise<Subscription> {
    await this.connect();
    const model = await this.connection.whenUp(this.options.publishTimeoutMs);
    const consumer = new RabbitConsumer(
      { queue: this.subscriptionQueue(request), concurrency: request.concurrency, handler: request.handler },
      this.connection,
      this.topology,
      this.publisher,
    );
    await consumer.start(model).catch(async (error: unknown) => {
      await consumer.close();
      throw error;
    });
    this.consumers.add(consumer);
    let closed: Promise<void> | undefined;
    return {
      close: () =>
        (closed ??= consumer.close().finally(() => {
          this.consumers.delete(consumer);
        })),
    };
  }

  async publish(message: OutboundMessage): Promise<void> {
    if (this.closing) throw new Error(`RabbitTransport is closed; cannot publish to ${message.topic}`);
    // Publishing before connect() connects (bounded); while reconnecting it waits up to publishTimeoutMs.
    if (this.connection.state === 'idle') await this.connect();
    const options = (message.options ?? {}) as RabbitPublishOptions;
    const exchange = options.exchange ?? this.options.defaultExchange;
    const routingKey = options.routingKey ?? message.topic;
    if (this.options.deadLetterQueues && exchange === this.options.defaultExchange && routingKey.endsWith('.dlq')) {
      await this.ensureDeadLetterQueue(routingKey);
    }
    const properties: Options.Publish = { ...propertiesFromHeaders(message.headers, message.key), persistent: options.persistent ?? true };
    if (options.mandatory) properties.mandatory = true;
    if (options.expiration !== undefined) properties.expiration = String(options.expiration);
    if (options.priority !== undefined) properties.priority = options.priority;
    if (options.replyTo !== undefined) properties.replyTo = options.replyTo;
    await this.publisher.publish(exchange, routingKey, message.body, properties);
  }

  close(): Promise<void> {
    this.closing ??= this.closeNow();
    return this.closing;
  }

  health(): TransportHealth {
    const subscriptions = this.consumers.size;
    const consumerError = [...this.consumers].find((consumer) => consumer.state === 'down')?.lastError;
    // A resource alarm is no error of ours, but whoever reads health should see publishes waiting.
    const blocked = this.connection.blockedReason && `publishing blocked by the broker: ${this.connection.blockedReason}`;
    const lastError = consumerError ?? blocked ?? this.connection.lastError;
    const withError = (status: TransportHealth['status']): TransportHealth => (lastError ? { status, subscriptions, lastError } : { status, subscriptions });
    if (this.closing || this.connection.state === 'closed' || this.connection.state === 'idle') return withError('down');
    if (this.connection.state === 'connecting') return withError('connecting');
    const consumerDown = [...this.consumers].some((consumer) => consumer.state === 'down');
    return withError(consumerDown ? 'down' : 'up');
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
      await this.topology.declareAll(model, this.configuredExchanges(), this.options.queues);
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
      await this.topology.declareAll(model, this.configuredExchanges(), this.options.queues);
    } catch (error) {
      this.logger.error(`re-declaring topology after a reconnect failed: ${(error as Error).message}`);
    }
    await Promise.all([...this.consumers].map((consumer) => consumer.resume(model)));
  }

  private configuredExchanges(): RabbitExchangeOptions[] {
    const exchanges = [...this.options.exchanges];
    if (!exchanges.some((exchange) => exchange.name === this.options.defaultExchange)) {
      exchanges.unshift({ name: this.options.defaultExchange, type: 'topic', options: { durable: true } });
    }
    return exchanges;
  }

  /** The group's queue: `<group>.<topic>` unless named, bound to the exchange with the topic as pattern. */
  private subscriptionQueue(request: SubscribeRequest): RabbitQueueOptions {
    const options = request.options as RabbitSubscribeOptions;
    const name = options.queue ?? `${request.group}.${request.topic}`;
    const configured = this.options.queues.find((queue) => queue.name === name);
    const bindings = [
      ...(configured?.bindings ?? []),
      ...(options.skipTopicBinding ? [] : [{ exchange: options.exchange ?? this.options.defaultExchange, pattern: request.topic }]),
      ...(options.bindings ?? []),
    ];
    if (configured) return { ...configured, bindings };
    return { name, type: options.queueType ?? 'classic', durable: true, arguments: options.queueArguments, bindings };
  }

  private async ensureDeadLetterQueue(topic: string): Promise<void> {
    const model = await this.connection.whenUp(this.options.publishTimeoutMs);
    let declared = this.declaredDeadLetterQueues.get(model);
    if (!declared) this.declaredDeadLetterQueues.set(model, (declared = new Set()));
    if (declared.has(topic)) return;
    const configured = this.options.queues.find((queue) => queue.name === topic);
    await this.topology.declareQueue(
      model,
      configured ?? { name: topic, type: 'classic', durable: true, bindings: [{ exchange: this.options.defaultExchange, pattern: topic }] },
    );
    declared.add(topic);
  }

  private async closeNow(): Promise<void> {
    await this.connecting?.catch(() => undefined);
    await Promise.all([...this.consumers].map((consumer) => consumer.close()));
    this.consumers.clear();
    await this.publisher.close();
    await this.topology.close();
    await this.connection.close();
  }
}
