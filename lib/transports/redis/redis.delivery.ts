import { Headers, type MessageHeaders } from '../../core/headers.js';
import { settleOnce, type BrokerSettle, type SettleOnceDelivery } from '../kit/settle-once.js';
import type { RedisPubSubMessage, RedisStreamEntry } from './redis.context.js';
import { decodeEntryFields, decodePubSubPayload } from './redis.headers.js';
import type { RawStreamEntry, StreamCommands } from './stream-commands.js';

/**
 * A delivery of one stream entry. What each settlement does is the consumer's (`settle`):
 * ack and reject XACK it, a nack leaves it pending for a redelivery. `touch` keeps a long
 * handler's entry from being reclaimed by another consumer.
 */
export function streamDelivery(entry: RawStreamEntry, on: StreamCommands, settle: BrokerSettle, touch: () => Promise<void>): SettleOnceDelivery {
  const decoded = decodeEntryFields(entry.fields);
  const raw: RedisStreamEntry = {
    kind: 'stream',
    stream: on.stream,
    id: entry.id,
    group: on.group,
    consumer: on.consumer,
    deliveryCount: entry.deliveryCount,
    fields: decoded.fields,
  };
  return settleOnce({
    message: {
      topic: on.stream,
      body: decoded.body,
      headers: decoded.headers,
      key: decoded.key,
      ...replyAddress(decoded.headers),
      deliveryAttempt: entry.deliveryCount,
      redelivered: entry.deliveryCount > 1,
      raw,
    },
    settle,
    touch,
  });
}

/** A Pub/Sub message: settling does nothing, as Redis cannot redeliver it. */
export function pubSubDelivery(raw: RedisPubSubMessage): SettleOnceDelivery {
  const { body, headers, key } = decodePubSubPayload(raw.payload);
  return settleOnce({ message: { topic: raw.channel, body, headers, key, ...replyAddress(headers), deliveryAttempt: 1, redelivered: false, raw }, settle: nothingToSettle });
}

/** A request names its reply channel in the `reply_to` header (FastStream's, in both modes). */
function replyAddress(headers: MessageHeaders): { replyTo?: string } {
  const replyTo = headers[Headers.replyTo];
  return replyTo ? { replyTo } : {};
}

const nothingToSettle: BrokerSettle = () => Promise.resolve();
