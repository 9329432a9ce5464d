import { Logger } from '@nestjs/common';
import type { Admin, Kafka, KafkaConfig, Message, Producer } from 'kafkajs';
import type { OutboundMessage } from '../../core/message.js';
import type { MessageContextInit } from '../../core/message-context.js';
import type { BatchSubscribeRequest, SubscribeRequest, Subscription, Transport, TransportCapabilities, TransportHealth } from '../../core/transport.js';
import { GroupSubscription } from './group-subscription.js';
import { KafkaContext } from './kafka.context.js';
import { KafkaGroupConsumer } from './kafka-group-consumer.js';
import { redactSecrets } from '../../core/redact.js';
import { nestLogCreator } from './kafka-logger.js';
import { KAFKA_DEFAULTS, type KafkaPublishOptions, type KafkaTransportOptions } from './kafka.options.js';
import { LingerProducer } from './linger-producer.js';
import { TopicProvisioner } from './topic-provisioner.js';

interface Connection {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly producer: Producer;
  readonly sender: LingerProducer;
  readonly topics: TopicProvisioner;
}

/**
 * Kafka through kafkajs: one consumer per consumer group, offsets committed in order only
 * after the pipeline settled each message, and an idempotent `acks: all` producer whose
 * publishes are batched for `lingerMs`. See the README's Kafka section.
 */
export class KafkaTransport implements Transport {
  readonly kind = 'kafka';
  readonly capabilities: TransportCapabilities = {
    consumerGroups: true,
    persistent: true,
    orderedPerKey: true,
    lossy: false,
    nativeDelayedRedelivery: false,
  };
  private readonly logger = new Logger(KafkaTransport.name);
  private readonly groups = new Map<string, KafkaGroupConsumer>();
  private readonly open = new Set<Subscription>();
  private connecting?: Promise<Connection>;
  private connection?: Connection;
  private closing?: Promise<void>;
  private lastError?: string;

  constructor(private readonly options: KafkaTransportOptions) {}

  async connect(): Promise<void> {
    await this.connected();
  }

  subscribe(request: SubscribeRequest): Promise<Subscription> {
    return this.join(request);
  }

  /** Batch handlers get a fetched partition's messages, in chunks of at most `maxSize`, in offset order. */
  subscribeBatch(request: BatchSubscribeRequest): Promise<Subscription> {
    return this.join(request);
  }

  private async join(request: SubscribeRequest | BatchSubscribeRequest): Promise<Subscription> {
    this.assertOpen(`subscribe to ${request.topic}`);
    const { kafka, topics } = await this.connected();
    const subscription = new GroupSubscription(request);
    if (typeof subscription.topic === 'string') await topics.ensure([subscription.topic]);
    const group = this.group(kafka, request.group);
    await group.add(subscription);
    let closing: Promise<void> | undefined;
    const handle: Subscription = {
      close: () =>
        (closing ??= group.remove(subscription).finally(() => {
          this.open.delete(handle);
          if (group.subscriptionCount === 0) this.groups.delete(request.group);
        })),
    };
    this.open.add(handle);
    return handle;
  }

  async publish(message: OutboundMessage): Promise<void> {
    await this.publishBatch([message]);
  }

  /** Publishes several messages; resolves once Kafka acknowledged all of them. */
  async publishBatch(messages: readonly OutboundMessage[]): Promise<void> {
    if (messages.length === 0) return;
    this.assertOpen(`publish to ${messages[0]!.topic}`);
    const { sender, topics } = await this.connected();
    await topics.ensure([...new Set(messages.map((m) => m.topic))]);
    await Promise.all(messages.map((m) => sender.send(m.topic, toKafkaMessage(m))));
  }

  close(): Promise<void> {
    return (this.closing ??= this.shutdown());
  }

  health(): TransportHealth {
    const subscriptions = this.open.size;
    const lastError = this.lastError;
    if (this.closing || (!this.connection && !this.connecting)) return { status: 'down', subscriptions, lastError };
    if (!this.connection) return { status: 'connecting', subscriptions, lastError };
    const statuses = [...this.groups.values()].map((g) => g.status);
    if (statuses.includes('down')) return { status: 'down', subscriptions, lastError };
    if (statuses.includes('connecting')) return { status: 'connecting', subscriptions, lastError };
    return { status: 'up', subscriptions, lastError };
  }

  /** The kafkajs `Kafka` client (create your own admin/consumers from it); undefined before connect. */
  unwrap<T = unknown>(): T {
    return this.connection?.kafka as T;
  }

  createContext(init: MessageContextInit): KafkaContext {
    return new KafkaContext(init);
  }

  private connected(): Promise<Connection> {
    this.connecting ??= this.openConnection().then(
      (connection) => (this.connection = connection),
      (error: unknown) => {
        this.connecting = undefined; // the next call tries again
        throw error;
      },
    );
    return this.connecting;
  }

  private async openConnection(): Promise<Connection> {
    const module = await import('kafkajs');
    const kafkajs = (module as unknown as { default?: typeof module }).default ?? module;
    const kafka = new kafkajs.Kafka(this.clientConfig(kafkajs.logLevel.WARN));
    const admin = kafka.admin();
    const producer = kafka.producer({
      createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 5 },
      ...this.options.producer,
    });
    try {
      await admin.connect();
      await producer.connect();
    } catch (error) {
      await Promise.allSettled([admin.disconnect(), producer.disconnect()]);
      throw this.failure('could not connect to', error);
    }
    const sender = new LingerProducer(
      producer,
      this.options.lingerMs ?? KAFKA_DEFAULTS.lingerMs,
      this.options.batchSize ?? KAFKA_DEFAULTS.batchSize,
      (error) => this.failure('could not publish to', error),
    );
    return { kafka, admin, producer, sender, topics: new TopicProvisioner(admin, this.options.topics ?? {}) };
  }

  private clientConfig(defaultLogLevel: number): KafkaConfig {
    const { brokers, clientId, ssl, sasl, client } = this.options;
    return {
      logLevel: defaultLogLevel,
      logCreator: nestLogCreator(this.logger),
      ...client,
      brokers: brokers ?? client?.brokers,
      clientId: clientId ?? client?.clientId ?? KAFKA_DEFAULTS.clientId,
      ...(ssl !== undefined && { ssl }),
      ...(sasl !== undefined && { sasl }),
    };
  }

  private group(kafka: Kafka, groupId: string): KafkaGroupConsumer {
    let group = this.groups.get(groupId);
    if (!group) {
      group = new KafkaGroupConsumer({
        kafka,
        groupId,
        // A shorter fetch long-poll than kafkajs' 5 s: stopping a consumer waits for it.
        consumer: { maxWaitTimeInMs: 1000, ...this.options.consumer },
        commitIntervalMs: this.options.commitIntervalMs ?? KAFKA_DEFAULTS.commitIntervalMs,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
        maxPartitionsConsumedConcurrently: KAFKA_DEFAULTS.maxPartitionsConsumedConcurrently,
        restartDelayMs: this.options.restartDelayMs ?? KAFKA_DEFAULTS.restartDelayMs,
        reportError: (what, error) => this.report(what, error),
      });
      this.groups.set(groupId, group);
    }
    return group;
  }

  private async shutdown(): Promise<void> {
    await Promise.allSettled([...this.open].map((s) => s.close()));
    const connection = this.connection ?? (await this.connecting?.catch(() => undefined));
    if (!connection) return;
    await connection.sender.drain();
    await Promise.allSettled([connection.producer.disconnect(), connection.admin.disconnect()]);
  }

  private assertOpen(action: string): void {
    if (this.closing) throw new Error(`KafkaTransport is closed; cannot ${action}`);
  }

  /** An error that names the brokers (never credentials) and keeps the kafkajs error as cause. */
  private failure(action: string, error: unknown): Error {
    const brokers = this.options.brokers ?? this.options.client?.brokers;
    const where = Array.isArray(brokers) ? brokers.join(', ') : 'the configured brokers';
    const reason = redactSecrets(error instanceof Error ? error.message : String(error));
    this.lastError = reason;
    return new Error(`KafkaTransport ${action} Kafka at ${where}: ${reason}`, { cause: error });
  }

  private report(what: string, error: unknown): void {
    const reason = redactSecrets(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    this.lastError = `${what}: ${reason}`;
    this.logger.warn(this.lastError);
  }
}

function toKafkaMessage(message: OutboundMessage): Message {
  const options = (message.options ?? {}) as KafkaPublishOptions;
  const timestamp = options.timestamp instanceof Date ? options.timestamp.getTime() : options.timestamp;
  return {
    key: message.key ?? null,
    value: message.body,
    headers: { ...message.headers },
    ...(options.partition !== undefined && { partition: options.partition }),
    ...(timestamp !== undefined && { timestamp: String(timestamp) }),
  };
}
