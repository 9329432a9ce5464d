import type { ConsumeMessage } from 'amqplib';
import type { Delivery, InboundMessage } from '../../core/message.js';
import { deliveryAttemptOf, headersFromProperties, originOf, readInternalHeader, RabbitInternalHeaders } from './rabbit-properties.js';

export type Settlement = { readonly kind: 'ack' } | { readonly kind: 'reject' } | { readonly kind: 'nack'; readonly delayMs: number };

export function toInboundMessage(message: ConsumeMessage): InboundMessage {
  return {
    topic: originOf(message).routingKey,
    body: message.content,
    headers: headersFromProperties(message.properties),
    key: readInternalHeader(message.properties, RabbitInternalHeaders.key),
    deliveryAttempt: deliveryAttemptOf(message),
    redelivered: message.fields.redelivered,
    raw: message,
  };
}

/** A Delivery that settles at most once; later calls resolve without touching the broker. */
export function createDelivery(message: ConsumeMessage, settle: (settlement: Settlement) => Promise<void>): Delivery & { readonly settled: boolean } {
  let settled = false;
  const once = (settlement: Settlement): Promise<void> => {
    if (settled) return Promise.resolve();
    settled = true;
    return settle(settlement);
  };
  return {
    message: toInboundMessage(message),
    get settled() {
      return settled;
    },
    ack: () => once({ kind: 'ack' }),
    reject: () => once({ kind: 'reject' }),
    nack: (options) => once({ kind: 'nack', delayMs: Math.max(0, options?.delayMs ?? 0) }),
  };
}
