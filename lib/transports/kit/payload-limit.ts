import type { OutboundMessage } from '../../core/message.js';

/** A publish refused before sending: the message is bigger than the broker takes. */
export class PayloadTooLargeError extends Error {
  override readonly name = 'PayloadTooLargeError';
}

/**
 * The bytes a broker counts for a message, near enough: body, key and headers (names and
 * values). A broker's framing adds a few bytes more, which only matters at the exact limit.
 */
export function messageSize(message: OutboundMessage): number {
  let size = message.body.length + (message.key ? Buffer.byteLength(message.key) : 0);
  for (const [name, value] of Object.entries(message.headers)) size += Buffer.byteLength(name) + Buffer.byteLength(String(value)) + 4;
  return size;
}

/**
 * Refuses, before sending, a message over the broker's maximum (`limit` names the setting):
 * sent anyway, a broker rejects it late or not at all (a 50 MB JetStream message stalled the
 * server's deliveries) and the caller learns nothing useful.
 */
export function assertWithinLimit(message: OutboundMessage, maxBytes: number | undefined, limit: string): void {
  if (!maxBytes || maxBytes <= 0) return;
  if (sizeBound(message) <= maxBytes) return; // far below the limit, as nearly every message is: no byte count
  const size = messageSize(message);
  if (size > maxBytes) {
    throw new PayloadTooLargeError(`message to ${message.topic} is ${size} bytes, over ${limit} of ${maxBytes} bytes; it was not sent`);
  }
}

/** At least messageSize, counted without encoding anything: a UTF-16 code unit is at most 3 UTF-8 bytes. */
function sizeBound(message: OutboundMessage): number {
  let bound = message.body.length + (message.key ? message.key.length * 3 : 0);
  const headers = message.headers;
  for (const name in headers) bound += (name.length + String(headers[name]).length) * 3 + 4;
  return bound;
}
