import type { MessageHeaders } from '../../core/headers.js';
import type { OutboundMessage } from '../../core/message.js';
import { decodeBinaryEnvelope, encodeBinaryEnvelope } from './binary-envelope.js';
import { decodeJsonEnvelope, encodeJsonEnvelope, parseJsonHeaders } from './json-envelope.js';
import type { RedisArg } from './redis.connection.js';

/**
 * How a message (body, headers, key) is laid out on Redis, in either wire format
 * (`RedisTransportOptions.wireFormat`); both are always read, whichever is written.
 *
 * 'binary' (default), FastStream 0.7's own layout, so FastStream services read and write the
 * same topics with no configuration on either side:
 *   stream entry   `__data__` = the binary envelope (binary-envelope.ts), plus `key` when keyed
 *   Pub/Sub        the payload is the binary envelope; a key travels as the `x-message-key` header
 * 'legacy', nestream's earlier layout, for topics still read by older nestream consumers:
 *   stream entry   `body` (the bytes), `headers` (JSON object of strings), `key`
 *   Pub/Sub        the JSON envelope (json-envelope.ts)
 *
 * Read, in this order: an entry with `__data__` holds a binary envelope, a JSON envelope
 * (FastStream ≤ 0.6) or, failing both, the body itself; otherwise `body`, else `data`, else an
 * empty body. A Pub/Sub payload is a binary envelope, a JSON envelope, or the body itself
 * (`redis-cli PUBLISH chan hello`). Every field stays available on the context.
 */
export type RedisWireFormat = 'binary' | 'legacy';

export const StreamFields = { data: '__data__', body: 'body', headers: 'headers', key: 'key' } as const;

/** The message key inside a binary envelope on Pub/Sub, which has no field to put it in. */
export const RedisKeyHeader = 'x-message-key';

type Layout = Pick<OutboundMessage, 'body' | 'headers' | 'key'>;

export function encodeEntryFields(message: Layout, format: RedisWireFormat = 'binary'): RedisArg[] {
  const fields: RedisArg[] =
    format === 'binary'
      ? [StreamFields.data, encodeBinaryEnvelope(message.body, message.headers)]
      : [StreamFields.body, message.body, ...(Object.keys(message.headers).length > 0 ? [StreamFields.headers, JSON.stringify(message.headers)] : [])];
  if (message.key !== undefined) fields.push(StreamFields.key, message.key);
  return fields;
}

export interface DecodedEntry {
  readonly body: Buffer;
  readonly headers: MessageHeaders;
  readonly key?: string;
  /** Every field of the entry, by name. */
  readonly fields: Readonly<Record<string, Buffer>>;
}

export function decodeEntryFields(flat: readonly Buffer[]): DecodedEntry {
  const fields: Record<string, Buffer> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!.toString('utf8')] = flat[i + 1]!;
  const keyField = fields[StreamFields.key]?.toString('utf8');
  const data = fields[StreamFields.data];
  if (data !== undefined) {
    const { body, headers, key } = decodeEnvelope(data);
    return { body, headers, key: keyField ?? key, fields };
  }
  return {
    body: fields[StreamFields.body] ?? fields['data'] ?? Buffer.alloc(0),
    headers: parseJsonHeaders(fields[StreamFields.headers]),
    key: keyField,
    fields,
  };
}

export function encodePubSubPayload({ body, headers, key }: Layout, format: RedisWireFormat = 'binary'): Buffer | string {
  if (format === 'legacy') return encodeJsonEnvelope(body, headers, key);
  return encodeBinaryEnvelope(body, key === undefined ? headers : { ...headers, [RedisKeyHeader]: key });
}

export function decodePubSubPayload(payload: Buffer): { body: Buffer; headers: MessageHeaders; key?: string } {
  return decodeEnvelope(payload);
}

/** A binary envelope, else a JSON envelope, else the bytes themselves with no headers (as FastStream reads them). */
function decodeEnvelope(bytes: Buffer): { body: Buffer; headers: MessageHeaders; key?: string } {
  const binary = decodeBinaryEnvelope(bytes);
  if (binary) {
    if (!Object.hasOwn(binary.headers, RedisKeyHeader)) return binary; // no copy of the headers without the key
    const { [RedisKeyHeader]: key, ...headers } = binary.headers;
    return { body: binary.body, headers, key };
  }
  return decodeJsonEnvelope(bytes) ?? { body: bytes, headers: {} };
}
