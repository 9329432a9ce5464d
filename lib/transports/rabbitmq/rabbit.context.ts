import type { Channel, ConsumeMessage, MessageProperties } from 'amqplib';
import { MessageContext } from '../../core/message-context.js';
import { channelOf } from './rabbit.delivery.js';
import { originOf } from './rabbit.headers.js';

/** `@Ctx() ctx: RabbitContext` in a handler bound to a RabbitTransport. */
export class RabbitContext extends MessageContext {
  /** Exchange the message was published to (for a delayed retry: the original exchange, not the retry queue's). */
  get exchange(): string {
    return originOf(this.rawMessage).exchange;
  }

  /** Routing key it was published with (the original one for a delayed retry). */
  get routingKey(): string {
    return originOf(this.rawMessage).routingKey;
  }

  /** Channel-scoped tag of this delivery. */
  get deliveryTag(): number {
    return this.rawMessage.fields.deliveryTag;
  }

  /** The broker's redelivered flag: the message was delivered before and not acked. */
  get redelivered(): boolean {
    return this.rawMessage.fields.redelivered;
  }

  /** Consumer tag of the subscription that received it. */
  get consumerTag(): string {
    return this.rawMessage.fields.consumerTag;
  }

  /** AMQP basic properties (content type, correlation id, message id, timestamp, app id, headers, ...). */
  get properties(): MessageProperties {
    return this.rawMessage.properties;
  }

  /**
   * The amqplib channel the message arrived on, for what nestream does not cover. Settle
   * through the context (ack / nack / reject), never on the channel: the consume chain
   * settles every delivery itself, and a second ack of one tag closes the channel.
   */
  get channel(): Channel | undefined {
    return channelOf(this.rawMessage);
  }

  /** The amqplib message. */
  get rawMessage(): ConsumeMessage {
    return this.message.raw as ConsumeMessage;
  }
}
