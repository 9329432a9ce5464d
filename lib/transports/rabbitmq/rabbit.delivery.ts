import type { Channel, ConsumeMessage } from 'amqplib';
import type { InboundMessage } from '../../core/message.js';
import { settleOnce, type SettleOnceDelivery, type Settlement } from '../kit/settle-once.js';
import { deliveryAttemptOf, headersFromProperties, originOf, RabbitInternalHeaders, readInternalHeader } from './rabbit.headers.js';

/** A delivery with the channel it arrived on: delivery tags are per channel, so it can be settled only there. */
export interface RabbitDelivery extends SettleOnceDelivery {
  readonly channel: Channel;
}

/** The channel each message arrived on, for `RabbitContext.channel`. */
const channels = new WeakMap<ConsumeMessage, Channel>();

export function channelOf(message: ConsumeMessage): Channel | undefined {
  return channels.get(message);
}

/** Every RabbitMQ delivery is made here: `settle` hears the first ack / nack / reject only. */
export function rabbitDelivery(message: ConsumeMessage, channel: Channel, settle: (settlement: Settlement) => Promise<void>): RabbitDelivery {
  channels.set(message, channel);
  return Object.assign(settleOnce({ message: toInboundMessage(message), settle }), { channel });
}

function toInboundMessage(message: ConsumeMessage): InboundMessage {
  return {
    topic: originOf(message).routingKey,
    body: message.content,
    headers: headersFromProperties(message.properties),
    key: readInternalHeader(message.properties, RabbitInternalHeaders.key),
    ...(message.properties.replyTo ? { replyTo: message.properties.replyTo as string } : {}),
    deliveryAttempt: deliveryAttemptOf(message),
    redelivered: message.fields.redelivered,
    raw: message,
  };
}
