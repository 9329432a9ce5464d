import type { BrowsedMessages } from '../../core/browse.js';
import { NestreamLogger } from '../../core/logger.js';
import type { InboundMessage, OutboundMessage } from '../../core/message.js';
import type { MessageContext, MessageContextInit } from '../../core/message-context.js';
import type { TransportRequestOptions, SubscribeRequest, Subscription, Transport, TransportCapabilities, TransportHealth } from '../../core/transport.js';
import { OncePromise } from '../kit/once-promise.js';
import { assertWithinLimit } from '../kit/payload-limit.js';
import { NatsLink } from './nats.connection.js';
import { NatsContext } from './nats.context.js';
import { toNatsHeaders } from './nats.headers.js';
import { NatsReplies } from './nats.replies.js';
import { natsMode, type NatsConsumer, type NatsMode } from './nats.mode.js';
import { resolveNatsOptions, type NatsPublishOptions, type NatsTransportOptions } from './nats.options.js';

/**
 * NATS through `@nats-io/transport-node`. Core NATS by default (subjects with `*` / `>`, queue
 * groups, at-most-once); with `jetstream` set, durable pull consumers on streams it provisions
 * (at-least-once, server-side delayed redelivery). The two are modes (NatsMode): consuming and
 * publishing differ, the connection, headers and lifecycle are shared. `unwrap()` gives the
 * `NatsConnection`.
 */
export class NatsTransport implements Transport {
  readonly kind: 'nats' | 'jetstream';
  readonly capabilities: TransportCapabilities;
  private readonly logger = new NestreamLogger(NatsTransport.name);
  private readonly link: NatsLink;
  private readonly mode: NatsMode;
  private readonly consumers = new Set<NatsConsumer>();
  private readonly replies: NatsReplies;
  private readonly opening = new OncePromise(() => this.open());
  private closing?: Promise<void>;
  /** Set once `open()` succeeded; a closed transport is `closing`, never opened again. */
  private opened = false;

  constructor(options: NatsTransportOptions) {
    const resolved = resolveNatsOptions(options);
    this.link = new NatsLink(resolved, this.logger);
    this.mode = natsMode(resolved, this.link, this.logger);
    this.replies = new NatsReplies(this.link, this.logger);
    this.kind = this.mode.kind;
    this.capabilities = this.mode.capabilities;
  }

  connect(): Promise<void> {
    if (this.closing) return Promise.reject(new Error('NatsTransport is closed'));
    return this.opening.run();
  }

  /** Connects, then readies the mode; a server without JetStream fails the connect, leaving nothing open. */
  private async open(): Promise<void> {
    const nc = await this.link.open();
    await this.mode.open(nc).catch(async (error: unknown) => {
      await this.link.close();
      throw error;
    });
    this.opened = true;
  }

  async subscribe(request: SubscribeRequest): Promise<Subscription> {
    await this.connect();
    const consumer = this.mode.consumer(request, () => this.consumers.delete(consumer));
    await consumer.start();
    this.consumers.add(consumer);
    return consumer;
  }

  /** Once open, the publisher's own promise: nothing awaited before it. */
  publish(message: OutboundMessage): Promise<void> {
    if (this.opened && !this.closing) return this.send(message);
    return this.connect().then(() => this.send(message));
  }

  private send(message: OutboundMessage, replyTo?: string): Promise<void> {
    try {
      if (!this.link.isUp) {
        throw new Error(`NATS is not connected (${this.link.status.state}); message to ${message.topic} was not sent`);
      }
      assertWithinLimit(message, this.link.nc.info?.max_payload, "the NATS server's max_payload");
      const headers = toNatsHeaders(() => this.link.createHeaders(), message.headers, message.key);
      return this.mode.publisher.publish(message, headers, (message.options ?? {}) as NatsPublishOptions, replyTo);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** A request: published with the connection's inbox as its reply address (see NatsReplies). */
  async request(message: OutboundMessage, options: TransportRequestOptions): Promise<InboundMessage> {
    await this.connect();
    const replyTo = this.replies.address();
    return this.replies.pending.run(message, options.timeoutMs, () => this.send(message, replyTo));
  }

  /** A reply goes over core NATS to the request's inbox, in either mode. */
  async reply(request: InboundMessage, message: OutboundMessage): Promise<void> {
    await this.connect();
    const headers = toNatsHeaders(() => this.link.createHeaders(), message.headers, message.key);
    this.link.nc.publish(request.replyTo!, message.body, headers ? { headers } : undefined);
    await this.link.nc.flush();
  }

  checkSubscriberOptions(options: Readonly<Record<string, unknown>>): readonly string[] {
    return this.mode.checkSubscriberOptions(options);
  }

  /** JetStream: the stream's messages of the topic by message get, no consumer (jetstream.browse.ts). Core NATS stores nothing. */
  async browse(topic: string, limit: number): Promise<BrowsedMessages> {
    if (!this.mode.browse) throw new Error('NatsTransport without jetstream stores no messages to browse; dead letters need JetStream');
    await this.connect();
    return this.mode.browse(topic, limit);
  }

  /**
   * Closes what is still open (the app closed its subscriptions first, within shutdownTimeoutMs;
   * what they still finish is cut short here), then the connection.
   */
  close(): Promise<void> {
    return (this.closing ??= (async () => {
      const open = [...this.consumers];
      for (const consumer of open) consumer.cutShort();
      await Promise.allSettled(open.map((consumer) => consumer.close()));
      this.replies.close();
      await this.link.close();
    })());
  }

  /** Requests waiting for their reply (0 when none leaked). */
  get pendingRequests(): number {
    return this.replies.pending.size;
  }

  health(): TransportHealth {
    const failing = [...this.consumers].find((consumer) => consumer.failure)?.failure;
    return this.link.health(this.consumers.size, failing);
  }

  unwrap<T = unknown>(): T {
    return this.link.nc as T;
  }

  createContext(init: MessageContextInit): MessageContext {
    return new NatsContext(init);
  }
}
