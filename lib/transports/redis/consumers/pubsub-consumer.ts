import type { Logger } from '@nestjs/common';
import { Deque } from '../../core/deque.js';
import type { Delivery } from '../../core/message.js';
import type { DeliveryHandler } from '../../core/transport.js';
import { decodeEnvelope } from './pubsub-envelope.js';
import { closeClient, errorMessage, type RedisSubscriberLike } from './redis-client.js';
import type { RedisPubSubMessage } from './redis.context.js';

export interface PubSubSubscriberConfig {
  /** This subscription's own connection (a subscribed connection can do nothing else). */
  readonly client: RedisSubscriberLike;
  readonly topic: string;
  /** PSUBSCRIBE instead of SUBSCRIBE. */
  readonly pattern: boolean;
  readonly handler: DeliveryHandler;
  readonly concurrency: number;
  readonly bufferSize: number;
  readonly logger: Logger;
}

const settled = (): Promise<void> => Promise.resolve();

/**
 * One SUBSCRIBE / PSUBSCRIBE. Redis pushes messages as fast as they come, so up to
 * `concurrency` are handled at once and up to `bufferSize` more wait in memory; beyond that new
 * messages are dropped (and counted). ioredis subscribes again after a reconnect; what was
 * published meanwhile is lost. Settling is a no-op: Pub/Sub cannot redeliver.
 */
export class PubSubSubscriber {
  private readonly buffer = new Deque<RedisPubSubMessage>();
  private inFlight = 0;
  private closing = false;
  private closed?: Promise<void>;
  private onIdle?: () => void;
  private droppedSinceLastLog = 0;
  dropped = 0;

  constructor(private readonly config: PubSubSubscriberConfig) {}

  async start(): Promise<void> {
    const { client, topic, pattern } = this.config;
    if (pattern) {
      client.on('pmessageBuffer', (matched: Buffer, channel: Buffer, payload: Buffer) =>
        this.receive({ kind: 'pubsub', channel: channel.toString(), pattern: matched.toString(), payload }),
      );
      await client.psubscribe(topic);
    } else {
      client.on('messageBuffer', (channel: Buffer, payload: Buffer) => this.receive({ kind: 'pubsub', channel: channel.toString(), payload }));
      await client.subscribe(topic);
    }
  }

  close(): Promise<void> {
    return (this.closed ??= this.shutdown());
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    const { client, topic, pattern } = this.config;
    await (pattern ? client.punsubscribe(topic) : client.unsubscribe(topic)).catch(() => undefined);
    if (this.buffer.length > 0) {
      this.config.logger.warn(`Dropping ${this.buffer.length} buffered messages of ${topic} on close`);
      while (this.buffer.length > 0) this.buffer.shift();
    }
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.onIdle = resolve));
    await closeClient(client);
  }

  private receive(message: RedisPubSubMessage): void {
    if (this.closing) return;
    if (this.inFlight < this.config.concurrency) {
      this.deliver(message);
    } else if (this.buffer.length < this.config.bufferSize) {
      this.buffer.push(message);
    } else {
      this.drop();
    }
  }

  private drop(): void {
    this.dropped++;
    // One warning per burst of drops, not one per message.
    if (this.droppedSinceLastLog++ === 0) {
      setTimeout(() => {
        this.config.logger.warn(`Dropped ${this.droppedSinceLastLog} messages of ${this.config.topic}: handlers are behind and the buffer is full`);
        this.droppedSinceLastLog = 0;
      }, 1000).unref();
    }
  }

  private deliver(raw: RedisPubSubMessage): void {
    this.inFlight++;
    const { body, headers } = decodeEnvelope(raw.payload);
    const delivery: Delivery = {
      message: { topic: raw.channel, body, headers, deliveryAttempt: 1, redelivered: false, raw },
      ack: settled,
      nack: settled,
      reject: settled,
    };
    let handled: Promise<void>;
    try {
      handled = this.config.handler(delivery);
    } catch (error) {
      handled = Promise.reject(error);
    }
    handled
      .catch((error: unknown) => this.config.logger.error(`Handler for ${raw.channel} failed outside the pipeline: ${errorMessage(error)}`))
      .finally(() => this.finished());
  }

  private finished(): void {
    this.inFlight--;
    const next = this.closing ? undefined : this.buffer.shift();
    if (next) this.deliver(next);
    else if (this.inFlight === 0) this.onIdle?.();
  }

  get status(): string {
    return this.config.client.status;
  }
}
