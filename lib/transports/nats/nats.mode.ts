import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { NestreamLogger } from '../../core/logger.js';
import type { BrowsedMessages } from '../../core/browse.js';
import type { SubscribeRequest, Subscription, TransportCapabilities } from '../../core/transport.js';
import { browseJetStream } from './jetstream.browse.js';
import { CoreConsumer } from './consumers/core-consumer.js';
import { JetStreamConsumer } from './consumers/jetstream-consumer.js';
import type { NatsLink } from './nats.connection.js';
import { checkNatsSubscriberOptions, type ResolvedJetStreamOptions, type ResolvedNatsOptions } from './nats.options.js';
import { CorePublisher, JetStreamPublisher, type NatsPublisher } from './nats.publisher.js';
import { JetStreamTopology } from './nats.topology.js';

/** One subscription's consumer, whichever the mode. */
export interface NatsConsumer extends Subscription {
  /** Resolves once the server has the subscription (core) or the durable consumer exists (JetStream). */
  start(): Promise<void>;
  /** Set while the consumer cannot consume: the transport's health is then `down`. */
  readonly failure?: string;
  /** The transport is closing: stop finishing what was received (only core NATS finishes it). */
  cutShort(): void;
}

/**
 * What differs between core NATS and JetStream, behind one small interface: the transport
 * asks its mode and never checks which one it has.
 */
export interface NatsMode {
  readonly kind: 'nats' | 'jetstream';
  readonly capabilities: TransportCapabilities;
  readonly publisher: NatsPublisher;
  /** Called once the connection is up (JetStream: its API clients). */
  open(nc: NatsConnection): Promise<void>;
  consumer(request: SubscribeRequest, onClosed: () => void): NatsConsumer;
  checkSubscriberOptions(options: Readonly<Record<string, unknown>>): string[];
  /** JetStream only: a topic's stored messages, read without a consumer. */
  browse?(topic: string, limit: number): Promise<BrowsedMessages>;
}

export function natsMode(options: ResolvedNatsOptions, link: NatsLink, logger: NestreamLogger): NatsMode {
  return options.jetstream ? new JetStreamMode(options, options.jetstream, link, logger) : new CoreMode(options, link, logger);
}

/** Subjects with `*` / `>`, queue groups, at-most-once. */
class CoreMode implements NatsMode {
  readonly kind = 'nats';
  readonly capabilities: TransportCapabilities = { consumerGroups: true, persistent: false, orderedPerKey: false, lossy: true, nativeDelayedRedelivery: false };
  readonly publisher: NatsPublisher;

  constructor(
    options: ResolvedNatsOptions,
    private readonly link: NatsLink,
    private readonly logger: NestreamLogger,
  ) {
    this.publisher = new CorePublisher(link, options.publishTimeoutMs);
  }

  async open(): Promise<void> {}

  consumer(request: SubscribeRequest, onClosed: () => void): NatsConsumer {
    return new CoreConsumer(this.link, request, this.logger, onClosed);
  }

  checkSubscriberOptions(options: Readonly<Record<string, unknown>>): string[] {
    return checkNatsSubscriberOptions(false, options);
  }
}

/** Durable pull consumers on streams it provisions: at-least-once, server-side delayed redelivery. */
class JetStreamMode implements NatsMode {
  readonly kind = 'jetstream';
  readonly capabilities: TransportCapabilities = { consumerGroups: true, persistent: true, orderedPerKey: false, lossy: false, nativeDelayedRedelivery: true };
  readonly publisher: NatsPublisher;
  private readonly topology: JetStreamTopology;
  private js?: JetStreamClient;
  private jsm?: JetStreamManager;

  constructor(
    options: ResolvedNatsOptions,
    private readonly jetstream: ResolvedJetStreamOptions,
    private readonly link: NatsLink,
    private readonly logger: NestreamLogger,
  ) {
    this.topology = new JetStreamTopology(() => this.jsm!, jetstream, logger);
    this.publisher = new JetStreamPublisher(link, () => this.js!, this.topology, options.publishTimeoutMs);
  }

  async open(nc: NatsConnection): Promise<void> {
    const { jetstream, jetstreamManager } = await import('@nats-io/jetstream');
    try {
      this.js = jetstream(nc, { timeout: this.jetstream.apiTimeoutMs });
      this.jsm = await jetstreamManager(nc, { timeout: this.jetstream.apiTimeoutMs });
    } catch (error) {
      throw this.link.status.fail(error, 'JetStream is not available on this server');
    }
  }

  consumer(request: SubscribeRequest, onClosed: () => void): NatsConsumer {
    return new JetStreamConsumer(
      {
        link: this.link,
        js: () => this.js!,
        topology: this.topology,
        consumerDefaults: this.jetstream.consumerDefaults,
        apiTimeoutMs: this.jetstream.apiTimeoutMs,
        logger: this.logger,
        onClosed,
      },
      request,
    );
  }

  checkSubscriberOptions(options: Readonly<Record<string, unknown>>): string[] {
    return checkNatsSubscriberOptions(true, options, this.jetstream.consumerDefaults);
  }

  browse(topic: string, limit: number): Promise<BrowsedMessages> {
    return browseJetStream(this.jsm!, topic, limit);
  }
}
