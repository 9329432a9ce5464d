export interface BackoffOptions {
  /** Delay before the second attempt. Default 100 ms. */
  initialMs?: number;
  /** Each delay is the previous one times this. Default 2. */
  factor?: number;
  /** No delay is longer than this. Default 30 s. */
  maxMs?: number;
  /** Random spread as a fraction of the delay (0.1 = ±10%); the cap still holds. Default 0.1. */
  jitter?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = { initialMs: 100, factor: 2, maxMs: 30_000, jitter: 0.1 };

/**
 * Delay after the given failed attempt (1-based): initialMs · factor^(attempt-1), spread by
 * ±jitter, never above maxMs.
 */
export function backoffDelay(attempt: number, backoff: Required<BackoffOptions>, random: () => number = Math.random): number {
  const base = Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** (attempt - 1));
  const spread = base * backoff.jitter * (random() * 2 - 1);
  return Math.max(0, Math.min(backoff.maxMs, Math.round(base + spread)));
}
