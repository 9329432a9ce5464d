import { DeadLetterHeaders, Headers, type MessageHeaders } from '../core/headers.js';

/** Headers a replayed message carries, besides its original ones. */
export const ReplayHeaders = {
  /** `<transport>:<dead-letter topic>` the message was replayed from. */
  replayedFrom: 'x-replayed-from',
  /** How many times it has been replayed; a dead letter keeps it, so a replay that fails again counts on. */
  replayCount: 'x-replay-count',
} as const;

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
