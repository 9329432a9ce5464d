import type { BrowsedMessages } from '../../core/browse.js';
import { NestreamLogger } from '../../core/logger.js';
import { redactSecrets } from '../../core/redact.js';
import type { InboundMessage, OutboundMessage } from '../../core/message.js';
import type { MessageContextInit } from '../../core/message-context.js';
import type { TransportRequestOptions, BatchSubscribeRequest, SubscribeRequest, Subscription, Transport, TransportCapabilities, TransportHealth } from '../../core/transport.js';
import { BrokerStatus } from '../kit/broker-status.js';
import { assertWithinLimit } from '../kit/payload-limit.js';
import { LivenessProbe } from '../kit/liveness-probe.js';
import { OncePromise } from '../kit/once-promise.js';
import { checkOptions } from '../kit/option-checks.js';
import { openKafkaConnection, type KafkaConnection } from './kafka.connection.js';
import { KafkaContext } from './kafka.context.js';
import { KafkaGroup } from './kafka.group.js';
import { KAFKA_SUBSCRIBER_OPTIONS, resolveKafkaOptions, type KafkaSubscribeOptions, type KafkaTransportOptions, type ResolvedKafkaOptions } from './kafka.options.js';
import { KafkaPublisher } from './kafka.publisher.js';
import { KafkaReplies } from './kafka.replies.js';
import { KafkaSubscription } from './kafka.subscription.js';
import { KafkaTopology } from './kafka.topology.js';

/** Kafka's default message.max.bytes (broker and topic): the largest record batch it takes. */
const KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

interface Connected {
  readonly connection: KafkaConnection;
  readonly publisher: KafkaPublisher;
  readonly topology: KafkaTopology;
}

/**
 * Kafka (through kafkajs, see kafkajs.*.ts): one group member per consumer group, offsets
 * committed in order only after the pipeline settled each message, and an `acks: all`
 * producer whose publishes are batched for `lingerMs`. Closing a subscription
 * commits what was settled before its member leaves the group. See the README's Kafka section.
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
  private readonly logger = new NestreamLogger(KafkaTransport.name);
  private readonly options: ResolvedKafkaOptions;
  private readonly status = new BrokerStatus();
  private readonly connecting = new OncePromise(() => this.openConnection());
  private readonly groups = new Map<string, KafkaGroup>();
  private readonly subscriptions = new Set<Subscription>();
  private current?: Connected;
  private closing?: Promise<void>;
  private probe?: LivenessProbe;
  private readonly maxMessageBytes: number;
  private readonly replies = new KafkaReplies((request) => this.join(request));

  constructor(options: KafkaTransportOptions) {
    this.options = resolveKafkaOptions(options);
    // The topics' max.message.bytes when nestream creates them with one, else the broker's default (1 MiB + 12).
    const configured = this.options.topics.configEntries?.find((e) => e.name === 'max.message.bytes')?.value;
    this.maxMessageBytes = configured ? Number(configured) : KAFKA_DEFAULT_MAX_MESSAGE_BYTES;
  }

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

  checkSubscriberOptions(options: Readonly<Record<string, unknown>>): readonly string[] {
    return checkOptions(KAFKA_SUBSCRIBER_OPTIONS, options);
  }

  async publish(message: OutboundMessage): Promise<void> {
    await this.publishBatch([message]);
  }

  /** Publishes several messages; resolves once Kafka acknowledged all of them. */
  async publishBatch(messages: readonly OutboundMessage[]): Promise<void> {
    if (messages.length === 0) return;
    this.assertOpen(`publish to ${messages[0]!.topic}`);
    for (const message of messages) assertWithinLimit(message, this.maxMessageBytes, 'Kafka\'s message.max.bytes');
    const { publisher, topology } = await this.connected();
    await topology.ensure([...new Set(messages.map((m) => m.topic))]);
    await Promise.all(messages.map((m) => publisher.publish(m)));
  }

  /** A request naming this instance's reply topic in `reply_to` (see KafkaReplies). */
  async request(message: OutboundMessage, options: TransportRequestOptions): Promise<InboundMessage> {
    this.assertOpen(`send a request to ${message.topic}`);
    return this.replies.request(message, options.service, options.timeoutMs, (request) => this.publish(request));
  }

  /** Produces the reply to the request's `reply_to` topic. */
  reply(request: InboundMessage, message: OutboundMessage): Promise<void> {
    return this.publish({ ...message, topic: request.replyTo! });
  }

  /** Requests waiting for their reply (0 when none leaked). */
  get pendingRequests(): number {
    return this.replies.pending.size;
  }

  close(): Promise<void> {
    return (this.closing ??= this.shutdown());
  }

  health(): TransportHealth {
    const subscriptions = this.subscriptions.size;
    if (this.closing || (!this.current && !this.connecting.started)) return { ...this.status.health(subscriptions), status: 'down' };
    if (!this.current) return { ...this.status.health(subscriptions), status: 'connecting' };
    const statuses = [...this.groups.values()].map((g) => g.status);
    // A member the client gave up on is down, never alive-but-not-consuming.
    if (statuses.includes('down')) return this.status.health(subscriptions, this.status.lastError ?? 'a consumer group is down');
    const health = this.status.health(subscriptions);
    return statuses.includes('connecting') ? { ...health, status: 'connecting' } : health;
  }

  /** The topic's records by its replay consumer group, nothing committed until one is removed (kafkajs.browse.ts). */
  async browse(topic: string, limit: number): Promise<BrowsedMessages> {
    const { connection } = await this.connected();
    if (!connection.browse) throw new Error(`KafkaTransport with library '${this.options.library}' cannot browse topics yet; kafkajs can`);
    return connection.browse(topic, limit);
  }

  /** The kafkajs `Kafka` client (create your own admin/consumers from it); undefined before connect. */
  unwrap<T = unknown>(): T {
    return this.current?.connection.native as T;
  }

  createContext(init: MessageContextInit): KafkaContext {
    return new KafkaContext(init);
  }

  private async join(request: SubscribeRequest | BatchSubscribeRequest): Promise<Subscription> {
    this.assertOpen(`subscribe to ${request.topic}`);
    const problems = this.checkSubscriberOptions(request.options);
    if (problems.length > 0) throw new Error(`KafkaTransport cannot subscribe to ${request.topic}: ${problems.join('; ')}`);
    const { connection, topology } = await this.connected();
    const subscription = new KafkaSubscription(request, request.options as KafkaSubscribeOptions);
    if (typeof subscription.topic === 'string') await topology.ensure([subscription.topic]);
    this.assertOpen(`subscribe to ${request.topic}`); // closed meanwhile: start no member it would not stop
    const group = this.group(connection, request.group);
    await group.add(subscription);
    if (this.closing) {
      // Closed while the member joined: shutdown() did not see this subscription, so stop it here.
      await group.remove(subscription);
      this.assertOpen(`subscribe to ${request.topic}`);
    }
    let closing: Promise<void> | undefined;
    const handle: Subscription = {
      close: () =>
        (closing ??= group.remove(subscription).finally(() => {
          this.subscriptions.delete(handle);
          if (group.subscriptionCount === 0) this.groups.delete(request.group);
        })),
    };
    this.subscriptions.add(handle);
    return handle;
  }

  private connected(): Promise<Connected> {
    return this.connecting.run();
  }

  private async openConnection(): Promise<Connected> {
    this.status.connecting();
    let connection: KafkaConnection;
    try {
      connection = await openKafkaConnection(this.options, this.logger);
    } catch (error) {
      throw this.status.fail(error, `KafkaTransport could not connect to Kafka at ${this.where()}`);
    }
    const publisher = new KafkaPublisher((records) => connection.send(records), this.options.lingerMs, this.options.batchSize, (error) =>
      this.status.fail(error, `KafkaTransport could not publish to Kafka at ${this.where()}`, { stayUp: true }),
    );
    const topology = new KafkaTopology(connection, {
      topics: this.options.topics,
      attempts: this.options.topicCreateAttempts,
      backoff: this.options.topicCreateBackoff,
      onRetry: (topic, attempt, error) => this.logger.warn(`creating topic ${topic} (attempt ${attempt}) failed for now, trying again: ${describe(error)}`),
    });
    this.current = { connection, publisher, topology };
    this.status.up();
    // Health follows the broker, not only the group: down within ~1.5 s of it going away, up again on its first answer.
    this.probe = new LivenessProbe(() => connection.probe(), {
      alive: () => this.status.up(),
      dead: (error) => {
        // Recorded once per outage: a later, more telling error (a consumer's crash) stays the last one.
        if (this.status.state !== 'down') this.logger.warn(this.status.fail(error, `Kafka at ${this.where()} does not answer`).message);
      },
    });
    if (!this.closing) this.probe.start();
    return this.current;
  }

  private group(connection: KafkaConnection, groupId: string): KafkaGroup {
    let group = this.groups.get(groupId);
    if (!group) {
      group = new KafkaGroup({
        groupId,
        connection,
        commitIntervalMs: this.options.commitIntervalMs,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
        maxPartitionsConsumedConcurrently: this.options.maxPartitionsConsumedConcurrently,
        restartDelayMs: this.options.restartDelayMs,
        report: (what, error) => this.report(what, error),
        handlerFailed: (error) => this.logger.error(`handler of group ${groupId} failed: ${describe(error)}`),
      });
      this.groups.set(groupId, group);
    }
    return group;
  }

  private async shutdown(): Promise<void> {
    this.probe?.stop();
    this.current?.topology.close();
    await Promise.allSettled([...this.subscriptions].map((s) => s.close()));
    this.replies.close();
    const connected = this.current ?? (this.connecting.started ? await this.connecting.run().catch(() => undefined) : undefined);
    if (!connected) return;
    connected.topology.close();
    this.probe?.stop();
    await connected.publisher.drain();
    await connected.connection.close();
  }

  private assertOpen(action: string): void {
    if (this.closing) throw new Error(`KafkaTransport is closed; cannot ${action}`);
  }

  /** The broker addresses (never credentials), for error messages. */
  private where(): string {
    const { brokers } = this.options;
    return Array.isArray(brokers) ? brokers.join(', ') : 'the configured brokers';
  }

  private report(what: string, error: unknown): void {
    this.status.note(`${what}: ${describe(error)}`);
    this.logger.warn(this.status.lastError!);
  }
}

function describe(error: unknown): string {
  return redactSecrets(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
}
