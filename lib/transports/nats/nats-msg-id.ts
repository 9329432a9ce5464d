import { Headers } from '../../core/headers.js';
import type { OutboundMessage } from '../../core/message.js';
import type { NatsPublishOptions } from './nats.options.js';

/**
 * The `Nats-Msg-Id` the stream deduplicates on: the idempotency key, else the message id.
 * It is scoped by subject, because a stream may hold several subjects: a dead-lettered copy
 * (same message id, `<topic>.dlq`) must not be dropped as a duplicate of its original.
 */
export function publishMsgId(message: OutboundMessage, options: NatsPublishOptions): string | undefined {
  if (options.msgId === false) return undefined;
  if (options.msgId) return options.msgId;
  const id = message.headers[Headers.idempotencyKey] ?? message.headers[Headers.messageId];
  return id ? `${message.topic}:${id}` : undefined;
}
