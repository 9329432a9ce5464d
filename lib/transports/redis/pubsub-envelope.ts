import type { MessageHeaders } from '../../core/headers.js';
import { parseHeaders } from './stream-entry-codec.js';

/**
 * Pub/Sub messages have no headers, so nestream wraps the body in a JSON envelope:
 *   {"data": "<body as UTF-8>", "headers": {...}}                          (text / JSON bodies)
 *   {"data": "<body as base64>", "encoding": "base64", "headers": {...}}   (other bytes)
 * The first form is FastStream's JSON message format. A message that is not such an envelope
 * (e.g. `PUBLISH chan hello` from redis-cli) is delivered as-is with no headers.
 */
export function encodeEnvelope(body: Buffer, headers: MessageHeaders): string {
  const text = body.toString('utf8');
  const isText = Buffer.byteLength(text, 'utf8') === body.length && Buffer.from(text, 'utf8').equals(body);
  return JSON.stringify(isText ? { data: text, headers } : { data: body.toString('base64'), encoding: 'base64', headers });
}

export function decodeEnvelope(payload: Buffer): { body: Buffer; headers: MessageHeaders } {
  if (payload[0] !== 0x7b /* { */) return { body: payload, headers: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch {
    return { body: payload, headers: {} };
  }
  const envelope = parsed as { data?: unknown; encoding?: unknown; headers?: unknown };
  if (typeof envelope.data !== 'string' || (envelope.headers !== undefined && typeof envelope.headers !== 'object')) {
    return { body: payload, headers: {} };
  }
  const body = envelope.encoding === 'base64' ? Buffer.from(envelope.data, 'base64') : Buffer.from(envelope.data, 'utf8');
  return { body, headers: parseHeaders(JSON.stringify(envelope.headers ?? {})) };
}
