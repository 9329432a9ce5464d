import type { DeadLetter } from './dead-letter.js';

/** What one replay did, message by message. */
export interface ReplayReport {
  readonly transport: string;
  readonly topic: string;
  readonly dryRun: boolean;
  /** Republished (and, the publish confirmed, removed from the dead-letter topic); dry run: would be. */
  readonly replayed: readonly ReplayedLetter[];
  /** Left where they are: replayed `maxReplays` times already. */
  readonly skipped: readonly DeadLetter[];
  /** The publish or the removal failed; the dead letter stays (a failed removal after a publish may leave a duplicate). */
  readonly failed: readonly { readonly letter: DeadLetter; readonly error: string }[];
}

export interface ReplayedLetter {
  readonly letter: DeadLetter;
  readonly toTopic: string;
  readonly toTransport: string;
}
