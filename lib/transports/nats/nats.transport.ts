import { Logger } from '@nestjs/common';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { OutboundMessage } from '../../core/message.js';
import type { MessageContext, MessageContextInit } from '../../core/message-context.js';
import type {
  SubscribeRequest,
  Subscription,
  Transport,
  TransportCapabilities,
  TransportHealth,
} from '../../core/transport.js';
import { CoreSubscriber } from './core-subscriber.js';
import { FlushBatcher } from './flush-batcher.js';
import { JetStreamSubscriber } from './jetstream-subscriber.js';
import { NatsConnectionHolder } from './nats-connection.js';
import { NatsContext } from './nats.context.js';
import { toNatsHeaders } from './nats-headers.js';
import { publishMsgId } from './nats-msg-id.js';
import { NatsDefaults, type NatsJetStreamOptions, type NatsPublishOptions, type NatsTransportOptions } from './nats.options.js';
import { StreamProvisioner } from './stream-provisioner.js';

const coreCapabilities: TransportCapabilities = {
  consumerGroups: true,
  persistent: false,
  orderedPerKey: false,
  lossy: true,
  nativeDelayedRedelivery: false,
};

const jetStreamCapabilities: TransportCapabilities = {
  consumerGroups: true,
  persistent: true,
  orderedPerKey: false,
  lossy: false,
  nativeDelayedRedelivery: true,
};

/**
 * NATS through `@nats-io/transport-node`. Core NATS by default (subjects with `*` / `>`, queue
 * groups, at-most-once); with `jetstream` set, durable pull consumers on streams it provisions
 * (at-least-once, server-side delayed redelivery). `unwrap()` gives the `NatsConnection`.
 */
export class NatsTransport implements Transport {
  readonly kind: 'nats' | 'jetstream';
  readonly capabilities: TransportCapabilities;
  private readonly logger = new Logger(NatsTransport.name);
  private readonly holder: NatsConnectionHolder;
  private readonly jetStreamOptions?: NatsJetStreamOptions;
  private readonly publishTimeoutMs: number;
  private readonly apiTimeoutMs: number;
  private readonly subscriptions = new Set<CoreSubscriber | JetStreamSubscriber>();
  /** Core publishes with the default timeout share one flush per tick. */
  private readonly flushes: FlushBatcher;
  private provisioner?: StreamProvisioner;
  private js?: JetStreamClient;
  private jsm?: JetStreamManager;
  private connecting?: Promise<void>;
  private closing?: Promise<void>;

  constructor(options: NatsTransportOptions) {
    this.jetStreamOptions = options.jetstream === true ? {} : options.jetstream || undefined;
    this.kind = this.jetStreamOptions ? 'jetstream' : 'nats';
    this.capabilities = this.jetStreamOptions ? jetStreamCapabilities : coreCapabilities;
    this.publishTimeoutMs = options.publishTimeoutMs ?? NatsDefaults.publishTimeoutMs;
    this.apiTimeoutMs = this.jetStreamOptions?.apiTimeoutMs ?? NatsDefaults.apiTimeoutMs;
    this.holder = new NatsConnectionHolder(options, this.logger);
    this.flushes = new FlushBatcher(() => this.holder.nc.flush(), this.publishTimeoutMs);
  }

  connect(): Promise<void> {
    if (this.closing) return Promise.reject(new Error('NatsTransport is closed'));
    this.connecting ??= this.open().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  async subscribe(request: SubscribeRequest): Promise<Subscription> {
    await this.connect();
    const onClosed = () => this.subscriptions.delete(subscriber);
    const subscriber = this.jetStreamOptions
      ? new JetStreamSubscriber(
          {
            holder: this.holder,
            js: () => this.js!,
            jsm: () => this.jsm!,
            provisioner: this.provisioner!,
            logger: this.logger,
            apiTimeoutMs: this.apiTimeoutMs,
            onClosed,
          },
          request,
          this.jetStreamOptions.consumerDefaults ?? {},
        )
      : new CoreSubscriber(this.holder, request, this.logger, onClosed);
    await subscriber.start();
    this.subscriptions.add(subscriber);
    return subscriber;
  }

  async publish(message: OutboundMessage): Promise<void> {
    await this.connect();
    if (!this.holder.isConnected) {
      throw new Error(`NATS is not connected (${this.holder.state}); message to ${message.topic} was not sent`);
    }
    const options = (message.options ?? {}) as NatsPublishOptions;
    const timeoutMs = options.timeoutMs ?? this.publishTimeoutMs;
    const headers = toNatsHeaders(() => this.holder.createHeaders(), message.headers, message.key);
    if (this.jetStreamOptions) await this.publishToStream(message, headers, options, timeoutMs);
    else await this.publishCore(message, headers, timeoutMs);
  }

  close(): Promise<void> {
    return (this.closing ??= (async () => {
      await Promise.allSettled([...this.subscriptions].map((subscription) => subscription.close()));
      await this.holder.close();
    })());
  }

  health(): TransportHealth {
    const subscriptions = this.subscriptions.size;
    const state = this.holder.state;
    if (state === 'connecting' || state === 'reconnecting') {
      return { status: 'connecting', subscriptions, lastError: this.holder.lastError };
    }
    if (state !== 'up') return { status: 'down', subscriptions, lastError: this.holder.lastError ?? 'not connected' };
    const failing = [...this.subscriptions].find((s) => !!s.failure);
    if (failing) return { status: 'down', subscriptions, lastError: failing.failure };
    return { status: 'up', subscriptions, lastError: this.holder.lastError };
  }

  unwrap<T = unknown>(): T {
    return this.holder.nc as T;
  }

  createContext(init: MessageContextInit): MessageContext {
    return new NatsContext(init);
  }

  private async open(): Promise<void> {
    const nc = await this.holder.connect();
    if (!this.jetStreamOptions) return;
    const { jetstream, jetstreamManager } = await import('@nats-io/jetstream');
    try {
      this.js = jetstream(nc, { timeout: this.apiTimeoutMs });
      this.jsm = await jetstreamManager(nc, { timeout: this.apiTimeoutMs });
    } catch (error) {
      await this.holder.close();
      throw this.holder.recordError(error, 'JetStream is not available on this server');
    }
    this.provisioner = new StreamProvisioner(() => this.jsm!, this.jetStreamOptions, this.logger);
  }

  /** Core NATS acknowledges nothing; a flush round trip proves the server has the message. */
  private async publishCore(message: OutboundMessage, headers: ReturnType<typeof toNatsHeaders>, timeoutMs: number): Promise<void> {
    const nc = this.holder.nc;
    nc.publish(message.topic, message.body, headers ? { headers } : undefined);
    if (timeoutMs === this.publishTimeoutMs) return this.flushes.confirm(message.topic);
    await withTimeout(nc.flush(), timeoutMs, `NATS did not confirm the publish to ${message.topic} within ${timeoutMs} ms`);
  }

  /** Resolves on the stream's PubAck; a subject no stream captures gets one (when provisioning). */
  private async publishToStream(
    message: OutboundMessage,
    headers: ReturnType<typeof toNatsHeaders>,
    options: NatsPublishOptions,
    timeoutMs: number,
  ): Promise<void> {
    const msgID = publishMsgId(message, options);
    const send = () =>
      this.js!.publish(message.topic, message.body, {
        timeout: timeoutMs,
        ...(headers ? { headers } : {}),
        ...(msgID ? { msgID } : {}),
        ...(options.expect ? { expect: options.expect } : {}),
      });
    try {
      await send();
    } catch (error) {
      if (!isNoStream(error) || this.jetStreamOptions?.provisionStreams === false) {
        throw this.holder.recordError(error, `JetStream publish to ${message.topic} failed`);
      }
      this.provisioner!.forget(message.topic);
      await this.provisioner!.streamFor(message.topic);
      await send();
    }
  }
}

/** nats.js reports "no stream listens on this subject" as no responders / JetStream not enabled. */
function isNoStream(error: unknown): boolean {
  return error instanceof Error && (error.name === 'JetStreamNotEnabled' || /no responders/i.test(error.message));
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
