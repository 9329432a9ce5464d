import type { BackoffOptions } from '../module/nestream-options.js';

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
