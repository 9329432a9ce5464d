import type { MessageHeaders } from '../../core/headers.js';
import type { OutboundMessage } from '../../core/message.js';
import type { RedisArg } from './redis-client.js';

/**
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
    const parsed: unknown = JSON.parse(raw.toString());
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const headers: MessageHeaders = {};
    for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
      if (value !== undefined && value !== null) headers[name] = typeof value === 'string' ? value : JSON.stringify(value);
    }
    return headers;
  } catch {
    return {};
  }
}
