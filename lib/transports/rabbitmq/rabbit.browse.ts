import type { Channel, ChannelModel, GetMessage } from 'amqplib';
import type { BrowsedMessage, BrowsedMessages } from '../../core/browse.js';
import { browsedMessages, noBrowsedMessages } from '../kit/browsed-messages.js';
import { headersFromProperties, RabbitInternalHeaders, readInternalHeader } from './rabbit.headers.js';

/**
 * The queue named as the topic (for `<topic>.dlq`, the dead-letter queue nestream declares),
 * read with basic.get on a channel of its own, without acking: the messages stay unacked (so
 * no consumer gets them meanwhile) until `release()` closes the channel and RabbitMQ requeues
 * them. Removing one acks it. RabbitMQ counts the browse as a delivery (`redelivered` is set
 * on the next one). The id is the message's position in the queue at this browse (1-based).
 */
export async function browseQueue(model: ChannelModel, queue: string, limit: number): Promise<BrowsedMessages> {
  const channel = await model.createChannel();
  // A missing queue closes the channel with 404; that is "no messages", never a crash.
  channel.on('error', () => undefined);
  try {
    await channel.checkQueue(queue);
  } catch {
    await closeQuietly(channel);
    return noBrowsedMessages();
  }
  const raw = new Map<BrowsedMessage, GetMessage>();
  try {
    for (let position = 1; position <= limit; position++) {
      const got = await channel.get(queue, { noAck: false });
      if (!got) break;
      const message: BrowsedMessage = {
        id: String(position),
        body: got.content,
        headers: headersFromProperties(got.properties),
        key: readInternalHeader(got.properties, RabbitInternalHeaders.key),
      };
      raw.set(message, got);
    }
  } catch (error) {
    await closeQuietly(channel);
    throw error;
  }
  return browsedMessages([...raw.keys()], {
    remove: async (message) => channel.ack(raw.get(message)!),
    // Acks go out before the close on the same channel; what was not acked is requeued.
    release: () => closeQuietly(channel),
  });
}

async function closeQuietly(channel: Channel): Promise<void> {
  await channel.close().catch(() => undefined);
}
