import type { OutboxStats } from './relay/outbox-stats.js';
import type { RelayState } from './relay/outbox-relay.js';

export interface OutboxHealthReport {
  /** `down` when the relay cannot reach the database, or lags more than `maxLagMs`. */
  readonly status: 'up' | 'down';
  /** 'disabled' when this app runs no relay (a relay process of its own publishes). */
  readonly relay: RelayState | 'disabled';
  /** Age of the oldest pending event, in seconds. */
  readonly lagSeconds: number;
  readonly pending: number;
  /** Events that spent their attempts; they wait for `OutboxAdmin.redrive()`. Shown, not counted as down. */
  readonly dead: number;
  /** False while the relay polls because LISTEN is down. */
  readonly listening?: boolean;
  readonly lastError?: string;
  readonly statsAt?: string;
}

export function outboxHealthReport(
  stats: OutboxStats | undefined,
  relay: { state: RelayState; lastError?: string; listening: boolean } | undefined,
  maxLagMs: number,
  statsError?: string,
): OutboxHealthReport {
  const lagSeconds = stats?.oldestPendingSeconds ?? 0;
  const lastError = relay?.lastError ?? statsError;
  const down = relay?.state === 'failing' || statsError !== undefined || lagSeconds * 1000 > maxLagMs;
  return {
    status: down ? 'down' : 'up',
    relay: relay?.state ?? 'disabled',
    lagSeconds,
    pending: stats?.pending ?? 0,
    dead: stats?.dead ?? 0,
    ...(relay ? { listening: relay.listening } : {}),
    ...(lastError ? { lastError } : {}),
    ...(stats ? { statsAt: stats.at.toISOString() } : {}),
  };
}
