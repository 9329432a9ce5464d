import type { OutboundMessage } from '../../core/message.js';
import type { PipelinedCommands } from './pipelined-commands.js';
import type { RedisArg } from './redis.connection.js';
import { encodeEntryFields, encodePubSubPayload, type RedisWireFormat } from './redis.headers.js';
import type { RedisPublishOptions } from './redis.options.js';
import { streamKey } from './redis.topology.js';

/**
 * How one mode puts a message on Redis. Both go through the same pipeline: the publishes of one
 * event-loop turn reach Redis as one round trip (see PipelinedCommands). Not async functions: a
 * throw while encoding reaches the transport's publish, which turns it into a rejection.
 */
export interface RedisPublisher {
  /** Resolves once Redis has the message (the XADD or PUBLISH was answered). */
  publish(message: OutboundMessage): Promise<void>;
}

/** XADD to the topic's stream, trimmed with `MAXLEN ~` when asked. */
export class StreamPublisher implements RedisPublisher {
  constructor(
    private readonly commands: PipelinedCommands,
    private readonly maxLen: number | undefined,
    private readonly wireFormat: RedisWireFormat,
  ) {}

  publish(message: OutboundMessage): Promise<void> {
    const maxLen = (message.options as RedisPublishOptions | undefined)?.maxLen ?? this.maxLen;
    const trim: RedisArg[] = maxLen === undefined ? [] : ['MAXLEN', '~', maxLen];
    return this.commands.send('XADD', [streamKey(message.topic), ...trim, '*', ...encodeEntryFields(message, this.wireFormat)]);
  }
}

/** PUBLISH the message in its envelope (Pub/Sub carries no headers or key of its own; see redis.headers.ts). */
export class PubSubPublisher implements RedisPublisher {
  constructor(
    private readonly commands: PipelinedCommands,
    private readonly wireFormat: RedisWireFormat,
  ) {}

  publish(message: OutboundMessage): Promise<void> {
    return this.commands.send('PUBLISH', [message.topic, encodePubSubPayload(message, this.wireFormat)]);
  }
}
