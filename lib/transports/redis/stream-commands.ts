import type { RedisArg, RedisClientLike } from './redis.connection.js';

/** One entry as Redis returned it, with the delivery count it now has in the group's PEL. */
export interface RawStreamEntry {
  readonly id: string;
  /** Flat `[name, value, name, value, ...]`; empty when the entry was deleted while pending. */
  readonly fields: Buffer[];
  readonly deliveryCount: number;
}

type EntryReply = [Buffer, Buffer[] | null][];

export interface HandBack {
  /** The idle time the entries get. */
  readonly idleMs: number;
  readonly minIdleMs: number;
  /** Their delivery count from now on; unset keeps it. */
  readonly deliveries?: number;
}

/** The Redis commands of one stream + group + consumer, with their replies parsed. */
export class StreamCommands {
  constructor(
    readonly stream: string,
    readonly group: string,
    readonly consumer: string,
  ) {}

  /** New entries (`>`), blocking up to `blockMs`; a fresh entry's delivery count is 1. */
  async readNew(client: RedisClientLike, count: number, blockMs: number): Promise<RawStreamEntry[]> {
    const reply = (await client.callBuffer('XREADGROUP', [
      'GROUP', this.group, this.consumer, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', this.stream, '>',
    ])) as unknown[] | null;
    return streamsOf(reply).flatMap((entries) => entries.map(([id, fields]) => ({ id: id.toString(), fields: fields ?? [], deliveryCount: 1 })));
  }

  /** Takes the given entries over (XCLAIM); `counts` are their delivery counts before the claim. */
  async claim(client: RedisClientLike, minIdleMs: number, counts: ReadonlyMap<string, number>): Promise<RawStreamEntry[]> {
    const reply = (await client.callBuffer('XCLAIM', [this.stream, this.group, this.consumer, minIdleMs, ...counts.keys()])) as EntryReply;
    return reply
      .filter(([, fields]) => fields !== null)
      .map(([id, fields]) => ({ id: id.toString(), fields: fields!, deliveryCount: (counts.get(id.toString()) ?? 0) + 1 }));
  }

  /** Resets an entry's idle time so no other consumer reclaims it while a long handler runs. */
  async touch(client: RedisClientLike, id: string): Promise<void> {
    await client.call('XCLAIM', [this.stream, this.group, this.consumer, 0, id, 'JUSTID']);
  }

  /**
   * Reclaims entries idle for `minIdleMs` on any consumer (XAUTOCLAIM), then reads their
   * delivery counts from the PEL. Returns the cursor to continue from ('0-0' = scan done).
   */
  async autoclaim(client: RedisClientLike, minIdleMs: number, cursor: string, count: number): Promise<{ cursor: string; entries: RawStreamEntry[] }> {
    const [next, claimed] = (await client.callBuffer('XAUTOCLAIM', [
      this.stream, this.group, this.consumer, minIdleMs, cursor, 'COUNT', count,
    ])) as [Buffer, EntryReply, Buffer[]?];
    const live = claimed.filter(([, fields]) => fields !== null);
    if (live.length === 0) return { cursor: next.toString(), entries: [] };
    const ids = live.map(([id]) => id.toString());
    const counts = await this.pendingCounts(client, ids[0]!, ids[ids.length - 1]!, ids.length + 100);
    const entries = live.map(([id, fields]) => ({ id: id.toString(), fields: fields!, deliveryCount: counts.get(id.toString()) ?? 2 }));
    return { cursor: next.toString(), entries };
  }

  /** This consumer's pending entries after `afterId` (exclusive), with their delivery counts. */
  async ownPending(client: RedisClientLike, afterId: string | undefined, count: number): Promise<Map<string, number>> {
    return this.pendingCounts(client, afterId === undefined ? '-' : `(${afterId}`, '+', count);
  }

  /**
   * Gives entries back to the group: they stay pending (on this consumer), with an idle time
   * that lets the group's reclaim (XAUTOCLAIM, by any consumer, a restarted one first of all)
   * take them at once. `minIdleMs` skips entries another consumer took over meanwhile;
   * `deliveries` sets their delivery count (the reclaim adds one).
   */
  async handBack(client: RedisClientLike, ids: readonly string[], { idleMs, minIdleMs, deliveries }: HandBack): Promise<void> {
    const count: RedisArg[] = deliveries === undefined ? [] : ['RETRYCOUNT', deliveries];
    await client.call('XCLAIM', [this.stream, this.group, this.consumer, minIdleMs, ...ids, 'IDLE', idleMs, ...count, 'JUSTID']);
  }

  private async pendingCounts(client: RedisClientLike, start: string, end: string, count: number): Promise<Map<string, number>> {
    const rows = (await client.call('XPENDING', [this.stream, this.group, start, end, count, this.consumer])) as [string, string, number, number][];
    return new Map(rows.map(([id, , , deliveries]) => [String(id), Number(deliveries)]));
  }
}

/**
 * XREADGROUP answers per stream: `[[key, entries], ...]` over RESP2, a map over RESP3 (which
 * `call` hands over flat, `[key, entries, key, entries, ...]`).
 */
function streamsOf(reply: unknown[] | null): EntryReply[] {
  if (!reply || reply.length === 0) return [];
  if (Buffer.isBuffer(reply[0])) return reply.filter((_, i) => i % 2 === 1) as EntryReply[];
  return (reply as [Buffer, EntryReply][]).map(([, entries]) => entries);
}
