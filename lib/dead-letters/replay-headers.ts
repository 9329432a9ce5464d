import { DeadLetterHeaders, Headers, ReplayHeaders, type MessageHeaders } from '../core/headers.js';

/**
 * The headers of a replayed copy: the original headers (event id, correlation id, trace
 * context, ...) without what the dead letter added about its failure or the last attempt,
 * plus where it was replayed from and the raised count.
 */
export function replayHeaders(deadLetter: MessageHeaders, from: string, count: number): MessageHeaders {
  const failure = new Set<string>(Object.values(DeadLetterHeaders));
  const headers: MessageHeaders = {};
  for (const [name, value] of Object.entries(deadLetter)) {
    if (!failure.has(name) && name !== Headers.attempt) headers[name] = value;
  }
  headers[ReplayHeaders.replayedFrom] = from;
  headers[ReplayHeaders.replayCount] = String(count);
  return headers;
}
