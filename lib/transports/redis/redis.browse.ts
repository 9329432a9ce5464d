import type { BrowsedMessage, BrowsedMessages } from '../../core/browse.js';
import { browsedMessages } from '../kit/browsed-messages.js';
import type { RedisClientLike } from './redis.connection.js';
import { decodeEntryFields } from './redis.headers.js';
import { streamKey } from './redis.topology.js';

/**
 * Streams: the first `limit` entries of the topic's stream by XRANGE, which reads without any
 * consumer group, so nothing is claimed or acked; removing one is XDEL. A stream entry id starts
 * with the milliseconds Redis stored it at.
 */
export async function browseStream(client: RedisClientLike, topic: string, limit: number): Promise<BrowsedMessages> {
  const key = streamKey(topic);
  const entries = (await client.callBuffer('XRANGE', [key, '-', '+', 'COUNT', limit])) as [Buffer, Buffer[]][] | null;
  const messages: BrowsedMessage[] = (entries ?? []).map(([rawId, flat]) => {
    const id = rawId.toString('utf8');
    const { body, headers, key: messageKey } = decodeEntryFields(flat);
    return { id, body, headers, key: messageKey, storedAt: new Date(Number(id.split('-')[0])) };
  });
  return browsedMessages(messages, {
    remove: async (message) => void (await client.call('XDEL', [key, message.id])),
  });
}
