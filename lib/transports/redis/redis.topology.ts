import type { RedisClientLike } from './redis.connection.js';

/**
 * What the transport creates on Redis: in streams mode a topic is a stream key and a subscriber
 * group a consumer group of that stream, created on demand; consumers join it by name. Pub/Sub
 * creates nothing (a topic is a channel or a pattern).
 */

/** The stream key of a topic: the topic itself, so other Redis clients find the same stream. */
export function streamKey(topic: string): string {
  return topic;
}

/** XGROUP CREATE ... MKSTREAM; an existing group keeps its position. */
export async function ensureGroup(client: RedisClientLike, stream: string, group: string, startFrom: '$' | '0'): Promise<void> {
  try {
    await client.call('XGROUP', ['CREATE', stream, group, startFrom, 'MKSTREAM']);
  } catch (error) {
    if (!String((error as Error).message).startsWith('BUSYGROUP')) throw error;
  }
}

/** Removes a consumer from its group, only when nothing is pending on it (its entries would be lost to the group). */
export async function removeConsumerIfIdle(client: RedisClientLike, stream: string, group: string, consumer: string): Promise<void> {
  const rows = (await client.call('XPENDING', [stream, group, '-', '+', 1, consumer])) as unknown[];
  if (rows.length === 0) await client.call('XGROUP', ['DELCONSUMER', stream, group, consumer]);
}

/**
 * What a group still holds as not done: entries delivered and not acknowledged (its PEL) plus
 * entries not yet delivered to it (its lag). Redis 7 reports the lag; where it cannot (null after
 * deletions, or Redis 6) the entries after the group's position are counted. 0 when the stream
 * or group does not exist.
 */
export async function groupBacklog(client: RedisClientLike, stream: string, group: string): Promise<number> {
  let groups: unknown[][];
  try {
    groups = (await client.call('XINFO', ['GROUPS', stream])) as unknown[][];
  } catch (error) {
    if (String((error as Error).message).includes('no such key')) return 0;
    throw error;
  }
  const info = groups.map(fieldsOf).find((fields) => String(fields['name']) === group);
  if (!info) return 0;
  const pending = Number(info['pending']);
  if (info['lag'] !== undefined && info['lag'] !== null) return pending + Number(info['lag']);
  return pending + (await undelivered(client, stream, String(info['last-delivered-id'])));
}

/** Entries after the group's position, counted a page at a time (exact, even across deleted entries). */
async function undelivered(client: RedisClientLike, stream: string, lastDeliveredId: string): Promise<number> {
  let count = 0;
  for (let after = lastDeliveredId; ; ) {
    const page = (await client.call('XRANGE', [stream, `(${after}`, '+', 'COUNT', 1000])) as [string, unknown][];
    count += page.length;
    if (page.length < 1000) return count;
    after = String(page[page.length - 1]![0]);
  }
}

/** `[name, value, name, value, ...]` (RESP2 maps) as an object. */
function fieldsOf(flat: unknown[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[String(flat[i])] = flat[i + 1];
  return fields;
}
