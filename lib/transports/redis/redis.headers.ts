import type { MessageHeaders } from '../../core/headers.js';
import type { OutboundMessage } from '../../core/message.js';
import type { RedisArg } from './redis.connection.js';

/**
 * How a message (body, headers, key) is laid out on Redis: as the fields of a stream entry, or
 * inside a JSON envelope on Pub/Sub, which carries only a payload.
 *
 * A stream entry written by nestream has up to three fields:
 *   body     the message bytes, untouched
 *   headers  the headers as a JSON object of strings (absent when there are none)
 *   key      the message key (absent when there is none)
 * Entries written by others are read too: a missing `body` falls back to a `data` field,
 * then to an empty body; unknown fields stay available on the context.
 */
export const StreamFields = { body: 'body', headers: 'headers', key: 'key' } as const;

export function encodeEntryFields(message: OutboundMessage): RedisArg[] {
  const fields: RedisArg[] = [StreamFields.body, message.body];
  if (Object.keys(message.headers).length > 0) fields.push(StreamFields.headers, JSON.stringify(message.headers));
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
  return {
    body: fields[StreamFields.body] ?? fields['data'] ?? Buffer.alloc(0),
    headers: parseHeaders(fields[StreamFields.headers]),
    key: fields[StreamFields.key]?.toString('utf8'),
    fields,
  };
}

/** Headers that are not a JSON object of strings are kept as far as they make sense, never thrown on. */
export function parseHeaders(raw: Buffer | string | undefined): MessageHeaders {
  if (raw === undefined || raw.length === 0) return {};
  try {
    return headersOf(JSON.parse(raw.toString()));
  } catch {
    return {};
  }
}

function headersOf(parsed: unknown): MessageHeaders {
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  const headers: MessageHeaders = {};
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (value !== undefined && value !== null) headers[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return headers;
}

/**
 * Pub/Sub messages have no headers, so nestream wraps the body in a JSON envelope:
 *   {"data": "<body as UTF-8>", "headers": {...}}                          (text / JSON bodies)
 *   {"data": "<body as base64>", "encoding": "base64", "headers": {...}}   (other bytes)
 * plus `"key": "..."` when the message has a key. The first form is FastStream's JSON message
 * format (which ignores the key). A message that is not such an envelope (e.g.
 * `PUBLISH chan hello` from redis-cli) is delivered as-is with no headers.
 */
export function encodeEnvelope({ body, headers, key }: Pick<OutboundMessage, 'body' | 'headers' | 'key'>): string {
  const text = body.toString('utf8');
  const isText = Buffer.byteLength(text, 'utf8') === body.length && Buffer.from(text, 'utf8').equals(body);
  const envelope = isText ? { data: text, headers } : { data: body.toString('base64'), encoding: 'base64', headers };
  return JSON.stringify(key === undefined ? envelope : { ...envelope, key });
}

export function decodeEnvelope(payload: Buffer): { body: Buffer; headers: MessageHeaders; key?: string } {
  if (payload[0] !== 0x7b /* { */) return { body: payload, headers: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch {
    return { body: payload, headers: {} };
  }
  const envelope = parsed as { data?: unknown; encoding?: unknown; headers?: unknown; key?: unknown };
  if (typeof envelope.data !== 'string' || (envelope.headers !== undefined && typeof envelope.headers !== 'object')) {
    return { body: payload, headers: {} };
  }
  const body = envelope.encoding === 'base64' ? Buffer.from(envelope.data, 'base64') : Buffer.from(envelope.data, 'utf8');
  const headers = headersOf(envelope.headers);
  return typeof envelope.key === 'string' ? { body, headers, key: envelope.key } : { body, headers };
}
