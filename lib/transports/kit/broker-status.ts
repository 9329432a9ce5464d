import { redactSecrets } from '../../core/redact.js';
import type { TransportHealth } from '../../core/transport.js';

export type BrokerState = TransportHealth['status'];

/**
 * One transport's connection state and last error, as `health()` reports them. The last error
 * is redacted once, here, so no broker's credentials reach a health page or a log line.
 */
export class BrokerStatus {
  private current: BrokerState = 'connecting';
  private error?: string;
  private readonly listeners = new Set<(state: BrokerState) => void>();

  get state(): BrokerState {
    return this.current;
  }

  get lastError(): string | undefined {
    return this.error;
  }

  up(): void {
    this.set('up');
  }

  connecting(): void {
    this.set('connecting');
  }

  /** Marks the broker down (unless `stayUp`) and records why; returns an Error carrying the redacted message. */
  fail(error: unknown, what: string, { stayUp = false } = {}): Error {
    const cause = error instanceof Error ? error : new Error(String(error));
    this.error = redactSecrets(`${what}: ${cause.message}`);
    if (!stayUp) this.set('down');
    return new Error(this.error, { cause });
  }

  /** Records a problem that does not change the state (a slow consumer, a failed pull). */
  note(message: string): void {
    this.error = redactSecrets(message);
  }

  /** Called on every state change. Returns the unsubscribe function. */
  onChange(listener: (state: BrokerState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The health report: `down` also when fewer consumers run than handlers were bound, so a
   * consumer that died silently is seen.
   */
  health(subscriptions: number, failing?: string): TransportHealth {
    const status = failing ? 'down' : this.current;
    const lastError = failing ? redactSecrets(failing) : this.error;
    return lastError === undefined ? { status, subscriptions } : { status, subscriptions, lastError };
  }

  private set(state: BrokerState): void {
    if (state === this.current) return;
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }
}
