import type { MessageHeaders } from '../../core/headers.js';

/**
 * The JSON envelope: nestream's Pub/Sub layout before the binary envelope, and FastStream's
 * legacy JSON message format (FastStream ≤ 0.6 wrote it, 0.7 still reads it):
 *   {"data": "<body as UTF-8>", "headers": {...}}                          (text / JSON bodies)
 *   {"data": "<body as base64>", "encoding": "base64", "headers": {...}}   (other bytes)
 * plus `"key": "..."` when the message has a key. FastStream reads the first form only: it
 * takes a base64 `data` as the text it is, and ignores `key`.
 */
export function encodeJsonEnvelope(body: Buffer, headers: MessageHeaders, key?: string): string {
  const text = body.toString('utf8');
  const isText = Buffer.byteLength(text, 'utf8') === body.length && Buffer.from(text, 'utf8').equals(body);
  const envelope = isText ? { data: text, headers } : { data: body.toString('base64'), encoding: 'base64', headers };
  return JSON.stringify(key === undefined ? envelope : { ...envelope, key });
}

/** The envelope's body, headers and key; undefined when `payload` is not such an envelope. */
export function decodeJsonEnvelope(payload: Buffer): { body: Buffer; headers: MessageHeaders; key?: string } | undefined {
  if (payload[0] !== 0x7b /* { */) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  const envelope = parsed as { data?: unknown; encoding?: unknown; headers?: unknown; key?: unknown };
  if (typeof envelope.data !== 'string' || (envelope.headers !== undefined && typeof envelope.headers !== 'object')) return undefined;
  const body = envelope.encoding === 'base64' ? Buffer.from(envelope.data, 'base64') : Buffer.from(envelope.data, 'utf8');
  const headers = headersOf(envelope.headers);
  return typeof envelope.key === 'string' ? { body, headers, key: envelope.key } : { body, headers };
}

/** Headers that are not a JSON object of strings are kept as far as they make sense, never thrown on. */
export function parseJsonHeaders(raw: Buffer | string | undefined): MessageHeaders {
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
