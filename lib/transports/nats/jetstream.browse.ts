import type { JetStreamManager, MsgRequest } from '@nats-io/jetstream';
import type { BrowsedMessage, BrowsedMessages } from '../../core/browse.js';
import { browsedMessages, noBrowsedMessages } from '../kit/browsed-messages.js';
import { fromNatsHeaders } from './nats.headers.js';
import { findStream } from './nats.topology.js';

/**
 * The topic's messages in the stream that stores it, by message get (`next_by_subj` from a
 * sequence): no consumer is made, so no ack state changes anywhere. The id is the stream
 * sequence; removing one deletes it from the stream (`deleteMessage`).
 */
export async function browseJetStream(jsm: JetStreamManager, topic: string, limit: number): Promise<BrowsedMessages> {
  const stream = await findStream(jsm, topic);
  if (!stream) return noBrowsedMessages();
  const messages: BrowsedMessage[] = [];
  let seq = 1;
  while (messages.length < limit) {
    // The server's STREAM.MSG.GET takes next_by_subj (NATS 2.9+); the client's type lists it for direct gets only, and passes the request through as is.
    const stored = await jsm.streams.getMessage(stream.name, { seq, next_by_subj: topic } as unknown as MsgRequest);
    if (!stored) break;
    const { headers, key } = fromNatsHeaders(stored.header);
    messages.push({ id: String(stored.seq), body: Buffer.from(stored.data), headers, key, storedAt: stored.time });
    seq = stored.seq + 1;
  }
  return browsedMessages(messages, {
    remove: async (message) => void (await jsm.streams.deleteMessage(stream.name, Number(message.id), false)),
  });
}
