import { ConfigurationError } from '../core/errors.js';
import type { DeadLetter } from './dead-letter.js';

/** Which dead letters of one dead-letter topic: `list`, `peek` and `replay` take it. */
export interface DeadLetterQuery {
  /** The transport's name in `forRoot({ transports })`. Default: the default transport. */
  transport?: string;
  /** The dead-letter topic, e.g. `orders.placed.dlq`. */
  topic: string;
  /** Only the dead letters of this handler (`Class.method`, as in `x-dlq-handler`). */
  handler?: string;
  /** Only those dead-lettered for this reason (`handler-failed`, `validation-failed`, ...). */
  reason?: string;
  /** Only those whose last failure is at or after this time. */
  since?: Date;
  /** Only those whose last failure is before this time. */
  until?: Date;
  /** At most this many. */
  limit?: number;
  /** How many messages of the topic to read, at most, to find them. Default 1,000. */
  scan?: number;
}

export const DEFAULT_SCAN = 1_000;

export function matchesQuery(letter: DeadLetter, query: DeadLetterQuery): boolean {
  if (query.handler !== undefined && letter.handler !== query.handler) return false;
  if (query.reason !== undefined && letter.reason !== query.reason) return false;
  const at = letter.lastFailureAt?.getTime();
  if (query.since && (at === undefined || at < query.since.getTime())) return false;
  if (query.until && (at === undefined || at >= query.until.getTime())) return false;
  return true;
}

/** Bad input gets a clear error, before anything is read. */
export function checkQuery(query: DeadLetterQuery, what: string): void {
  if (!query || typeof query.topic !== 'string' || query.topic === '') throw new ConfigurationError(`DeadLetters.${what}: topic (the dead-letter topic) is required`);
  for (const name of ['limit', 'scan'] as const) {
    const value = query[name];
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new ConfigurationError(`DeadLetters.${what}: ${name} must be a positive integer, got ${value}`);
  }
  for (const name of ['since', 'until'] as const) {
    const value = query[name];
    if (value !== undefined && (!(value instanceof Date) || Number.isNaN(value.getTime()))) throw new ConfigurationError(`DeadLetters.${what}: ${name} must be a valid Date`);
  }
}
