import type { ChannelModel } from 'amqplib';
import { backoffDelay } from '../../core/backoff.js';
import { NestreamLogger } from '../../core/logger.js';
import { redactUrl } from '../../core/redact.js';
import { BrokerStatus } from '../kit/broker-status.js';
import { WakeableSleep, withTimeout } from '../kit/timers.js';
import { DEFAULTS, type ResolvedRabbitOptions } from './rabbit.options.js';

/** Told about every reconnection, so topology and consumers come back with it. */
export type ReconnectListener = (model: ChannelModel) => Promise<void>;

/** `idle`: never connected, or the first connect gave up; `connecting`: a first attempt or a reconnect is under way. */
type Phase = 'idle' | 'connecting' | 'up' | 'closed';

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

/**
 * One AMQP connection that stays up: the first `open()` makes a bounded number of attempts
 * and fails with the (redacted) address; once up, a lost connection is retried forever with
 * capped exponential backoff, and listeners re-declare topology and resume consumers. Its
 * state and last error are the transport's health (`status`); while the broker blocks
 * publishing (connection.blocked, a resource alarm) `blockedReason` says why.
 */
export class RabbitConnection {
  readonly status = new BrokerStatus();
  blockedReason?: string;
  private phase: Phase = 'idle';
  private model?: ChannelModel;
  private amqp?: typeof import('amqplib');
  private readonly upWaiters = new Set<Waiter<ChannelModel>>();
  private readonly unblockWaiters = new Set<Waiter<void>>();
  private readonly listeners: ReconnectListener[] = [];
  /** Backoff pauses between attempts, which close() ends at once. */
  private readonly pauses = new WakeableSleep();
  private readonly logger = new NestreamLogger('RabbitTransport');
  /** Every url, redacted, for errors about the whole list. */
  private readonly address: string;
  /** Index in `options.urls` of the node connected to last (or tried last); the next attempt starts after it. */
  private lastUrl = -1;

  constructor(private readonly options: ResolvedRabbitOptions) {
    this.address = options.urls.map(redactUrl).join(', ');
  }

  /** The node connected to (or tried) last, redacted. */
  private get node(): string {
    return redactUrl(this.options.urls[Math.max(0, this.lastUrl)]!);
  }

  /** The live connection, or undefined while there is none. */
  get current(): ChannelModel | undefined {
    return this.phase === 'up' ? this.model : undefined;
  }

  /** The broker blocked publishing (a resource alarm); whenUnblocked waits for the end of it. */
  get isBlocked(): boolean {
    return Boolean(this.blockedReason);
  }

  get isIdle(): boolean {
    return this.phase === 'idle';
  }

  get isClosed(): boolean {
    return this.phase === 'closed';
  }

  onReconnect(listener: ReconnectListener): void {
    this.listeners.push(listener);
  }

  async open(): Promise<ChannelModel> {
    this.amqp ??= await import('amqplib');
    this.enter('connecting');
    const attempts = this.options.initialConnectAttempts;
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts && !this.isClosed; attempt++) {
      try {
        const model = await this.attempt();
        this.adopt(model);
        return model;
      } catch (error) {
        lastError = error;
        this.status.note(messageOf(error));
        if (attempt < attempts) await this.pauses.sleep(this.backoff(attempt));
      }
    }
    if (!this.isClosed) this.phase = 'idle';
    const error = this.status.fail(lastError ?? new Error('closed while connecting'), `RabbitTransport could not connect to ${this.address} after ${attempts} attempt(s)`);
    this.settleAll(this.upWaiters, (waiter) => waiter.reject(error));
    throw error;
  }

  /** The live connection, waiting up to `timeoutMs` while reconnecting; rejects when there is none to wait for. */
  whenUp(timeoutMs: number): Promise<ChannelModel> {
    if (this.phase === 'up' && this.model) return Promise.resolve(this.model);
    if (this.phase !== 'connecting') return Promise.reject(new Error(`RabbitTransport is ${this.isClosed ? 'closed' : 'not connected'} (${this.address})`));
    const lastError = this.status.lastError ? ` (last error: ${this.status.lastError})` : '';
    return this.wait(this.upWaiters, timeoutMs, `RabbitTransport: no connection to ${this.address}${lastError}`);
  }

  /** Resolves at once unless the broker blocked the connection (resource alarm); then waits up to `timeoutMs`. */
  async whenUnblocked(timeoutMs: number): Promise<void> {
    if (!this.blockedReason) return;
    await this.wait(this.unblockWaiters, timeoutMs, `RabbitTransport: the broker has blocked publishing (${this.blockedReason})`);
  }

  async close(): Promise<void> {
    this.enter('closed');
    this.pauses.wake();
    this.settleAll(this.upWaiters, (waiter) => waiter.reject(new Error('RabbitTransport closed')));
    const model = this.model;
    this.model = undefined;
    if (model) await model.close().catch(() => undefined);
  }

  /**
   * One round over the url list, starting after the node used last (a node that just died is
   * tried last, not first); the first to connect wins. Fails with every node's error.
   */
  private async attempt(): Promise<ChannelModel> {
    const { urls } = this.options;
    const errors: string[] = [];
    for (let i = 1; i <= urls.length && !this.isClosed; i++) {
      const index = (this.lastUrl + i) % urls.length;
      this.lastUrl = index;
      try {
        return await this.attemptOne(urls[index]!);
      } catch (error) {
        if (urls.length === 1) throw error;
        errors.push(`${redactUrl(urls[index]!)}: ${messageOf(error)}`);
      }
    }
    throw new Error(errors.length > 0 ? `no node answered (${errors.join('; ')})` : 'RabbitTransport closed while connecting');
  }

  private async attemptOne(address: string): Promise<ChannelModel> {
    const url = new URL(address);
    if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', String(this.options.heartbeatSeconds));
    const connecting = this.amqp!.connect(url.toString(), {
      ...this.options.socketOptions,
      timeout: this.options.connectTimeoutMs,
      clientProperties: { connection_name: this.options.connectionName },
    });
    // The socket timeout covers TCP; this also bounds a broker that accepts but never answers,
    // and closes a connection that arrives after we gave up on it.
    const closeLate = () => void connecting.then((late) => late.close()).catch(() => undefined);
    const model = await withTimeout(connecting, this.options.connectTimeoutMs + 1_000, `connecting to ${redactUrl(address)}`, closeLate);
    if (this.isClosed) {
      await model.close().catch(() => undefined);
      throw new Error('RabbitTransport closed while connecting');
    }
    return model;
  }

  private adopt(model: ChannelModel): void {
    this.model = model;
    this.blockedReason = undefined;
    this.enter('up');
    model.on('error', (error: Error) => {
      this.status.note(`connection error: ${messageOf(error)}`);
      this.logger.warn(`connection error (${this.node}): ${messageOf(error)}`);
    });
    model.on('blocked', (reason: string) => {
      this.blockedReason = reason || 'blocked';
      this.logger.warn(`broker blocked publishing on ${this.node}: ${this.blockedReason}`);
    });
    model.on('unblocked', () => this.unblock());
    model.once('close', (error?: Error) => this.lost(model, error));
    this.settleAll(this.upWaiters, (waiter) => waiter.resolve(model));
  }

  private unblock(): void {
    this.blockedReason = undefined;
    this.settleAll(this.unblockWaiters, (waiter) => waiter.resolve());
  }

  private lost(model: ChannelModel, error?: Error): void {
    if (this.model !== model || this.isClosed) return;
    this.model = undefined;
    // A publish waiting for an unblock goes on to wait for the new connection instead.
    this.unblock();
    this.enter('connecting');
    const why = error ? messageOf(error) : 'connection closed';
    this.status.note(`lost connection: ${why}`);
    this.logger.warn(`lost connection to ${this.node} (${why}); reconnecting`);
    void this.reconnect();
  }

  /** Forever, with capped backoff, until connected or closed; then the listeners, each on its own. */
  private async reconnect(): Promise<void> {
    let model: ChannelModel | undefined;
    for (let attempt = 1; !model; attempt++) {
      await this.pauses.sleep(this.backoff(attempt));
      if (this.isClosed) return;
      try {
        model = await this.attempt();
      } catch (error) {
        this.status.note(`reconnect attempt ${attempt} failed: ${messageOf(error)}`);
        if (attempt === 1 || attempt % 10 === 0) this.logger.warn(`reconnect attempt ${attempt} to ${this.address} failed: ${messageOf(error)}`);
      }
    }
    this.adopt(model);
    this.logger.log(`reconnected to ${this.node}`);
    for (const listener of this.listeners) {
      // One listener failing (a consumer whose queue cannot be declared) must not stop the others.
      await listener(model).catch((error: unknown) => {
        this.status.note(`after reconnecting: ${messageOf(error)}`);
        this.logger.error(`after reconnecting: ${messageOf(error)}`);
      });
    }
  }

  private enter(phase: Phase): void {
    this.phase = phase;
    if (phase === 'up') this.status.up();
    else if (phase === 'connecting') this.status.connecting();
  }

  private backoff(attempt: number): number {
    const { initialDelayMs, maxDelayMs, factor } = this.options.reconnect;
    return backoffDelay(attempt, { initialMs: initialDelayMs, maxMs: maxDelayMs, factor, jitter: DEFAULTS.reconnectJitter });
  }

  private wait<T>(waiters: Set<Waiter<T>>, timeoutMs: number, what: string): Promise<T> {
    let waiter!: Waiter<T>;
    const settled = new Promise<T>((resolve, reject) => (waiter = { resolve, reject }));
    waiters.add(waiter);
    return withTimeout(settled, timeoutMs, what, () => waiters.delete(waiter));
  }

  private settleAll<T>(waiters: Set<Waiter<T>>, settle: (waiter: Waiter<T>) => void): void {
    const all = [...waiters];
    waiters.clear();
    for (const waiter of all) settle(waiter);
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
