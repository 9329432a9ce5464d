import { Logger } from '@nestjs/common';
import type { ChannelModel } from 'amqplib';
import { redactUrl } from '../../core/redact.js';
import type { ResolvedRabbitOptions } from './rabbit.options.js';

export type RabbitConnectionState = 'idle' | 'connecting' | 'up' | 'closed';

/** Told about every (re)connection, so topology and consumers come back with it. */
export type ReconnectListener = (model: ChannelModel) => Promise<void>;

interface Waiter {
  resolve(model: ChannelModel): void;
  reject(error: Error): void;
}

/**
 * One AMQP connection that stays up: the first `open()` makes a bounded number of attempts
 * and fails with the (redacted) address; once up, a lost connection is retried forever with
 * capped exponential backoff, and listeners re-declare topology and resume consumers.
 */
export class RabbitConnection {
  state: RabbitConnectionState = 'idle';
  lastError?: string;
  blockedReason?: string;
  private model?: ChannelModel;
  private amqp?: typeof import('amqplib');
  private readonly upWaiters = new Set<Waiter>();
  private readonly unblockWaiters = new Set<() => void>();
  private readonly listeners: ReconnectListener[] = [];
  private reconnectTimer?: NodeJS.Timeout;
  private readonly logger = new Logger('RabbitTransport');
  private readonly address: string;

  constructor(private readonly options: ResolvedRabbitOptions) {
    this.address = redactUrl(options.url);
  }

  get current(): ChannelModel | undefined {
    return this.state === 'up' ? this.model : undefined;
  }

  onReconnect(listener: ReconnectListener): void {
    this.listeners.push(listener);
  }

  async open(): Promise<ChannelModel> {
    this.amqp ??= await import('amqplib');
    this.state = 'connecting';
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.options.initialConnectAttempts; attempt++) {
      if (this.isClosed()) break;
      try {
        const model = await this.attempt();
        this.adopt(model);
        return model;
      } catch (error) {
        lastError = error;
        this.lastError = describe(error);
        if (attempt < this.options.initialConnectAttempts) await sleep(this.backoff(attempt));
      }
    }
    if (!this.isClosed()) this.state = 'idle';
    const error = new Error(
      `RabbitTransport could not connect to ${this.address} after ${this.options.initialConnectAttempts} attempt(s): ${describe(lastError)}`,
      { cause: lastError },
    );
    this.rejectUpWaiters(error);
    throw error;
  }

  /** The live connection, waiting up to `timeoutMs` while reconnecting; rejects when there is none to wait for. */
  whenUp(timeoutMs: number): Promise<ChannelModel> {
    if (this.state === 'up' && this.model) return Promise.resolve(this.model);
    if (this.state !== 'connecting') {
      return Promise.reject(new Error(`RabbitTransport is ${this.state === 'closed' ? 'closed' : 'not connected'} (${this.address})`));
    }
    return this.wait(this.upWaiters, timeoutMs, `no connection to ${this.address} within ${timeoutMs} ms${this.lastError ? ` (last error: ${this.lastError})` : ''}`);
  }

  /** Resolves at once unless the broker blocked the connection (resource alarm); then waits up to `timeoutMs`. */
  async whenUnblocked(timeoutMs: number): Promise<void> {
    if (!this.blockedReason) return;
    const reason = this.blockedReason;
    await this.wait<void>(this.unblockWaiters, timeoutMs, `the broker has blocked publishing (${reason}) for over ${timeoutMs} ms`, true);
  }

  async close(): Promise<void> {
    this.state = 'closed';
    clearTimeout(this.reconnectTimer);
    this.rejectUpWaiters(new Error('RabbitTransport closed'));
    const model = this.model;
    this.model = undefined;
    if (model) await model.close().catch(() => undefined);
  }

  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private async attempt(): Promise<ChannelModel> {
    const url = new URL(this.options.url);
    if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', String(this.options.heartbeatSeconds));
    const connecting = this.amqp!.connect(url.toString(), {
      ...this.options.socketOptions,
      timeout: this.options.connectTimeoutMs,
      clientProperties: { connection_name: this.options.connectionName },
    });
    // The socket timeout covers TCP; this also bounds a broker that accepts but never answers,
    // and closes a connection that arrives after we gave up on it.
    let gaveUp = false;
    connecting.then(
      (late) => {
        if (gaveUp) void late.close().catch(() => undefined);
      },
      () => undefined,
    );
    const model = await withTimeout(connecting, this.options.connectTimeoutMs + 1_000, `connecting to ${this.address} timed out`).catch(
      (error: unknown) => {
        gaveUp = true;
        throw error;
      },
    );
    if (this.isClosed()) {
      await model.close().catch(() => undefined);
      throw new Error('RabbitTransport closed while connecting');
    }
    return model;
  }

  private adopt(model: ChannelModel): void {
    this.model = model;
    this.state = 'up';
    this.blockedReason = undefined;
    model.on('error', (error: Error) => {
      this.lastError = describe(error);
      this.logger.warn(`connection error (${this.address}): ${this.lastError}`);
    });
    model.on('blocked', (reason: string) => {
      this.blockedReason = reason || 'blocked';
      this.logger.warn(`broker blocked publishing on ${this.address}: ${this.blockedReason}`);
    });
    model.on('unblocked', () => {
      this.blockedReason = undefined;
      for (const resolve of [...this.unblockWaiters]) resolve();
      this.unblockWaiters.clear();
    });
    model.once('close', (error?: Error) => this.lost(model, error));
    for (const waiter of [...this.upWaiters]) waiter.resolve(model);
    this.upWaiters.clear();
  }

  private lost(model: ChannelModel, error?: Error): void {
    if (this.model !== model || this.isClosed()) return;
    this.model = undefined;
    this.state = 'connecting';
    this.blockedReason = undefined;
    for (const resolve of [...this.unblockWaiters]) resolve();
    this.unblockWaiters.clear();
    this.lastError = error ? describe(error) : 'connection closed';
    this.logger.warn(`lost connection to ${this.address} (${this.lastError}); reconnecting`);
    this.scheduleReconnect(1);
  }

  private scheduleReconnect(attempt: number): void {
    if (this.isClosed()) return;
    this.reconnectTimer = setTimeout(() => void this.reconnect(attempt), this.backoff(attempt));
  }

  private async reconnect(attempt: number): Promise<void> {
    if (this.isClosed()) return;
    let model: ChannelModel;
    try {
      model = await this.attempt();
    } catch (error) {
      this.lastError = describe(error);
      if (attempt === 1 || attempt % 10 === 0) this.logger.warn(`reconnect attempt ${attempt} to ${this.address} failed: ${this.lastError}`);
      this.scheduleReconnect(attempt + 1);
      return;
    }
    this.adopt(model);
    this.logger.log(`reconnected to ${this.address}`);
    for (const listener of this.listeners) {
      // One listener failing (a consumer whose queue cannot be declared) must not stop the others.
      await listener(model).catch((error: unknown) => {
        this.lastError = describe(error);
        this.logger.error(`after reconnecting: ${this.lastError}`);
      });
    }
  }

  private backoff(attempt: number): number {
    const { initialDelayMs, maxDelayMs, factor } = this.options.reconnect;
    const base = Math.min(maxDelayMs, initialDelayMs * factor ** (attempt - 1));
    // ±20% jitter so a fleet of services does not reconnect in lockstep.
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  private wait<T>(set: Set<any>, timeoutMs: number, timeoutMessage: string, plain = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        set.delete(entry);
        reject(new Error(`RabbitTransport: ${timeoutMessage}`));
      }, timeoutMs);
      const done = (value: T) => {
        clearTimeout(timer);
        resolve(value);
      };
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      const entry = plain ? () => done(undefined as T) : { resolve: done, reject: fail };
      set.add(entry);
    });
  }

  private rejectUpWaiters(error: Error): void {
    for (const waiter of [...this.upWaiters]) waiter.reject(error);
    this.upWaiters.clear();
  }
}

export function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
