import type { MessageHeaders } from '../../core/headers.js';

/** Record headers as Kafka clients hand them: Buffers (or arrays of them when a name repeats). */
export type KafkaRecordHeaders = Readonly<Record<string, Buffer | string | readonly (Buffer | string)[] | undefined>>;

/** Header values arrive as Buffers (or arrays of them when repeated); the last value wins. */
export function decodeHeaders(headers: KafkaRecordHeaders | undefined): MessageHeaders {
  const decoded: MessageHeaders = {};
  // for...in, not Object.entries: no array of pairs per record (the clients' header objects are plain).
  for (const name in headers) {
    const value = headers[name];
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) decoded[name] = Buffer.isBuffer(last) ? last.toString('utf8') : String(last);
  }
  return decoded;
}

/** nestream headers are strings; Kafka sends them as UTF-8 record headers. A copy, so a later edit cannot change a queued record. */
export function encodeHeaders(headers: MessageHeaders): Record<string, string> {
  return { ...headers };
}
