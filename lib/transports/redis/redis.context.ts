import { MessageContext } from '../../core/message-context.js';

/** `raw` of a delivery from a stream (`ctx.raw<RedisStreamEntry>()`). */
export interface RedisStreamEntry {
  readonly kind: 'stream';
  readonly stream: string;
  readonly id: string;
  readonly group: string;
  readonly consumer: string;
  /** How many times the group has delivered this entry, this delivery included. */
  readonly deliveryCount: number;
  /** Every field of the entry, by name (`body`, `headers`, `key`, and any others). */
  readonly fields: Readonly<Record<string, Buffer>>;
}

/** `raw` of a delivery from Pub/Sub (`ctx.raw<RedisPubSubMessage>()`). */
export interface RedisPubSubMessage {
  readonly kind: 'pubsub';
  readonly channel: string;
  /** The PSUBSCRIBE pattern that matched, for pattern subscriptions. */
  readonly pattern?: string;
  /** The message exactly as published (the envelope, for nestream publishers). */
  readonly payload: Buffer;
}

/** What a Redis handler sees: `@Ctx() ctx: RedisContext`. */
export class RedisContext extends MessageContext {
  /** The stream the entry was read from (undefined for Pub/Sub). */
  get stream(): string | undefined {
    return this.streamEntry?.stream;
  }

  /** The stream entry id, e.g. `1718000000000-0` (undefined for Pub/Sub). */
  get entryId(): string | undefined {
    return this.streamEntry?.id;
  }

  /** Deliveries of this entry to the group so far, this one included (1 for Pub/Sub). */
  get deliveryCount(): number {
    return this.streamEntry?.deliveryCount ?? 1;
  }

  /** The consumer name this entry was delivered to (undefined for Pub/Sub). */
  get consumer(): string | undefined {
    return this.streamEntry?.consumer;
  }

  /** The raw stream entry, or undefined for Pub/Sub. */
  get entry(): RedisStreamEntry | undefined {
    return this.streamEntry;
  }

  /** The Pub/Sub channel (undefined for streams). */
  get channel(): string | undefined {
    return this.pubSubMessage?.channel;
  }

  /** The matching pattern of a PSUBSCRIBE subscription. */
  get pattern(): string | undefined {
    return this.pubSubMessage?.pattern;
  }

  private get streamEntry(): RedisStreamEntry | undefined {
    const raw = this.message.raw as RedisStreamEntry | RedisPubSubMessage | undefined;
    return raw?.kind === 'stream' ? raw : undefined;
  }

  private get pubSubMessage(): RedisPubSubMessage | undefined {
    const raw = this.message.raw as RedisStreamEntry | RedisPubSubMessage | undefined;
    return raw?.kind === 'pubsub' ? raw : undefined;
  }
}
