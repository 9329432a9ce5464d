import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import type { NestreamLogger } from '../../core/logger.js';
import { redactSecrets } from '../../core/redact.js';
import type { TransportHealth } from '../../core/transport.js';
import { BrokerStatus } from '../kit/broker-status.js';
import { sleepUnless } from '../kit/timers.js';
import type { ResolvedNatsOptions } from './nats.options.js';

/** Between reconnect attempts (nats.js adds its jitter); `connection.reconnectTimeWait` overrides it. */
const NATS_RECONNECT_WAIT_MS = 250;

/**
 * The transport's one NATS connection and what everything else needs to know about it:
 * whether it is up (the status `health()` reports, last error redacted), a way to wait until
 * it is up again after a reconnect, and disconnect notices for pulls that must be ended.
 */
export class NatsLink {
  readonly status = new BrokerStatus();
  private connection?: NatsConnection;
  private headersFactory?: () => MsgHdrs;
  private closed = false;
  private attempted = false;
  private readonly disconnectListeners = new Set<() => void>();
  private signalClosed!: () => void;
  /** Resolves once the connection is closed for good (by `close()`, or the client gave up). */
  readonly whenClosed = new Promise<void>((resolve) => (this.signalClosed = resolve));

  constructor(
    private readonly options: ResolvedNatsOptions,
    private readonly logger: NestreamLogger,
  ) {}

  /** One attempt (the transport's OncePromise makes concurrent callers share it). */
  async open(): Promise<NatsConnection> {
    if (this.closed) throw new Error('NATS transport is closed');
    this.attempted = true;
    this.status.connecting();
    try {
      return await this.dial();
    } catch (error) {
      throw this.status.fail(error, `connect to ${[this.options.servers].flat().join(', ')} failed`);
    }
  }

  get nc(): NatsConnection {
    if (!this.connection) throw new Error('NATS transport is not connected; call connect() first');
    return this.connection;
  }

  get isUp(): boolean {
    return !this.closed && this.connection !== undefined && this.status.state === 'up';
  }

  /** Closed for good: by `close()`, or the client gave up reconnecting. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** `headers()` of the lazily loaded client. */
  createHeaders(): MsgHdrs {
    return this.headersFactory!();
  }

  /** Resolves when the connection is up; rejects once it is closed for good. */
  whenUp(): Promise<void> {
    if (this.isUp) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error('NATS connection is closed'));
    return new Promise((resolve, reject) => {
      const stop = this.status.onChange((state) => {
        if (state !== 'up') return;
        stop();
        resolve();
      });
      void this.whenClosed.then(() => {
        stop();
        reject(new Error('NATS connection is closed'));
      });
    });
  }

  onDisconnect(listener: () => void): () => void {
    this.disconnectListeners.add(listener);
    return () => this.disconnectListeners.delete(listener);
  }

  /**
   * A flush bounded by `ms`: while the server is away, what was written (a nak, a term) waits
   * in the client's buffer, and the server's AckWait covers the rest.
   */
  async flushWithin(ms: number): Promise<void> {
    if (!this.connection || this.connection.isClosed()) return;
    await sleepUnless(ms, this.connection.flush().catch(() => undefined));
  }

  health(subscriptions: number, failing?: string): TransportHealth {
    if (!this.attempted && !this.closed) return { status: 'down', subscriptions, lastError: 'not connected' };
    if (this.closed) return { status: 'down', subscriptions, lastError: this.status.lastError ?? 'closed' };
    // While (re)connecting, or down, the connection says it all; once up, a failing consumer shows.
    return this.status.health(subscriptions, this.status.state === 'up' ? failing : undefined);
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.markClosed();
    if (!connection || connection.isClosed()) return;
    // Flush so that acks, naks and publishes already written reach the server before the socket goes.
    await connection.flush().catch(() => undefined);
    await connection.close().catch(() => undefined);
  }

  private async dial(): Promise<NatsConnection> {
    const { connect, headers } = await import('@nats-io/transport-node');
    this.headersFactory = () => headers();
    const connection = await connect({
      name: this.options.name,
      maxReconnectAttempts: -1,
      // Otherwise every request (each JetStream publish awaiting its PubAck) builds two errors
      // with stack traces up front, in case it fails: a tenth of a busy publisher's CPU.
      noAsyncTraces: true,
      // nats.js waits 2 s between reconnect attempts: a server back after a restart would wait
      // for up to that long (plus jitter) before publishing and consuming resume (issue 16 asks
      // for health up within 2 s of the broker's return).
      reconnectTimeWait: NATS_RECONNECT_WAIT_MS,
      ...this.options.connection,
      servers: this.options.servers,
      // The first connect must fail fast (unreachable broker, bad config); reconnects are unbounded.
      waitOnFirstConnect: false,
    });
    if (this.closed) {
      await connection.close();
      throw new Error('NATS transport was closed while connecting');
    }
    this.connection = connection;
    this.status.up();
    void this.watch(connection);
    return connection;
  }

  /** Follows the client's status stream; nothing here may throw into the process. */
  private async watch(connection: NatsConnection): Promise<void> {
    try {
      for await (const status of connection.status()) {
        switch (status.type) {
          case 'disconnect':
            this.status.note(`disconnected from ${status.server}`);
            if (!this.closed) this.status.connecting();
            this.logger.warn(this.status.lastError!);
            for (const listener of this.disconnectListeners) listener();
            break;
          case 'reconnect':
            if (!this.closed) this.status.up();
            this.logger.log(redactSecrets(`reconnected to ${status.server}`));
            break;
          case 'error':
            this.logger.error(this.status.fail(status.error, 'NATS error', { stayUp: true }).message);
            break;
          case 'slowConsumer':
            this.status.note(`slow consumer on ${status.sub.getSubject()}: ${status.pending} pending`);
            this.logger.warn(this.status.lastError!);
            break;
          default:
            break;
        }
      }
      const closedWith = await connection.closed();
      if (closedWith) this.status.fail(closedWith, 'connection closed', { stayUp: true });
    } catch (error) {
      this.status.fail(error, 'status monitor failed', { stayUp: true });
    }
    if (!this.closed) {
      // The client gave up reconnecting: nothing will consume again until a new transport connects.
      const why = this.status.fail(new Error(this.status.lastError ?? 'unknown reason'), 'NATS connection closed for good');
      this.logger.error(why.message);
      this.markClosed();
    }
  }

  private markClosed(): void {
    this.closed = true;
    this.signalClosed();
  }
}
