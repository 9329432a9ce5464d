import { ConfigurationError } from '../core/errors.js';
import { checkQuery, type DeadLetterQuery } from './dead-letter-query.js';

export interface ReplayOptions extends DeadLetterQuery {
  /** At most this many are replayed. Required: a replay is never unbounded by accident. */
  limit: number;
  /** Publishes per second at most. Default 100. */
  ratePerSec?: number;
  /** Report what would be replayed, publish and remove nothing. */
  dryRun?: boolean;
  /** Publish here instead of each message's original topic (`x-dlq-original-topic`). */
  targetTopic?: string;
  /** Publish on this transport instead of each message's original one. */
  targetTransport?: string;
  /** A dead letter replayed this often already is left where it is (skipped). Default 3. */
  maxReplays?: number;
}

export const DEFAULT_RATE_PER_SEC = 100;
export const DEFAULT_MAX_REPLAYS = 3;

export function checkReplayOptions(options: ReplayOptions): void {
  checkQuery(options, 'replay');
  if (options.limit === undefined) throw new ConfigurationError('DeadLetters.replay: limit is required (how many dead letters to replay at most)');
  const { ratePerSec, maxReplays } = options;
  if (ratePerSec !== undefined && !(ratePerSec > 0)) throw new ConfigurationError(`DeadLetters.replay: ratePerSec must be above 0, got ${ratePerSec}`);
  if (maxReplays !== undefined && (!Number.isInteger(maxReplays) || maxReplays < 1)) {
    throw new ConfigurationError(`DeadLetters.replay: maxReplays must be a positive integer, got ${maxReplays}`);
  }
}
