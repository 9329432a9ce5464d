import type { Logger } from '@nestjs/common';
import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import { NatsDefaults, type NatsTransportOptions } from './nats.options.js';
import { redactSecrets } from '../../core/redact.js';

export type ConnectionState = 'idle' | 'connecting' | 'up' | 'reconnecting' | 'closed';

/**
 * One NATS connection and what the transport needs to know about it: whether it is up,
 * the last error, and a way to wait until it is up again after a reconnect.
 */
export class NatsConnectionHolder {
  state: ConnectionState = 'idle';
  lastError?: string;
  private connection?: NatsConnection;
  private connecting?: Promise<NatsConnection>;
  private headersFactory?: () => MsgHdrs;
  private upWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private readonly disconnectListeners = new Set<() => void>();

  constructor(
    private readonly options: NatsTransportOptions,
    private readonly logger: Logger,
  ) {}

  /** Connects once; a failed attempt is forgotten so that the next call tries again. */
  connect(): Promise<NatsConnection> {
    if (this.state === 'closed') return Promise.reject(new Error('NATS transport is closed'));
    this.connecting ??= this.open().catch((error: unknown) => {
      this.connecting = undefined;
      this.state = 'idle';
      throw this.recordError(error, `connect to ${[this.options.servers].flat().join(', ')} failed`);
    });
    return this.connecting;
  }

  get nc(): NatsConnection {
    if (!this.connection) throw new Error('NATS transport is not connected; call connect() first');
    return this.connection;
  }

  get isConnected(): boolean {
    return this.state === 'up';
  }

  /** `headers()` of the lazily loaded client. */
  createHeaders(): MsgHdrs {
    return this.headersFactory!();
  }

  /** Resolves when the connection is up; rejects once it is closed for good. */
  whenUp(): Promise<void> {
    if (this.state === 'up') return Promise.resolve();
    if (this.state === 'closed') return Promise.reject(new Error('NATS connection is closed'));
    return new Promise((resolve, reject) => this.upWaiters.push({ resolve, reject }));
  }

  onDisconnect(listener: () => void): () => void {
    this.disconnectListeners.add(listener);
    return () => this.disconnectListeners.delete(listener);
  }

  recordError(error: unknown, what: string): Error {
    const cause = error instanceof Error ? error : new Error(String(error));
    this.lastError = redactSecrets(`${what}: ${cause.message}`);
    return new Error(this.lastError, { cause });
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.state = 'closed';
    this.settleWaiters(new Error('NATS connection is closed'));
    if (!connection || connection.isClosed()) return;
    // Flush so that acks and publishes already written reach the server before the socket goes.
    await connection.flush().catch(() => undefined);
    await connection.close().catch(() => undefined);
  }

  private async open(): Promise<NatsConnection> {
    this.state = 'connecting';
    const { connect, headers } = await import('@nats-io/transport-node');
    this.headersFactory = () => headers();
    const connection = await connect({
      name: this.options.name ?? NatsDefaults.name,
      maxReconnectAttempts: -1,
      ...this.options.connection,
      servers: this.options.servers,
      // The first connect must fail fast (unreachable broker, bad config); reconnects are unbounded.
      waitOnFirstConnect: false,
    });
    // close() may have run while we were connecting.
    if ((this.state as ConnectionState) === 'closed') {
      await connection.close();
      throw new Error('NATS transport was closed while connecting');
    }
    this.connection = connection;
    this.state = 'up';
    this.settleWaiters();
    void this.watch(connection);
    return connection;
  }

  /** Follows the client's status stream; nothing here may throw into the process. */
  private async watch(connection: NatsConnection): Promise<void> {
    try {
      for await (const status of connection.status()) {
        switch (status.type) {
          case 'disconnect':
            if (this.state !== 'closed') this.state = 'reconnecting';
            this.lastError = redactSecrets(`disconnected from ${status.server}`);
            this.logger.warn(this.lastError);
            for (const listener of this.disconnectListeners) listener();
            break;
          case 'reconnect':
            if (this.state !== 'closed') this.state = 'up';
            this.logger.log(redactSecrets(`reconnected to ${status.server}`));
            this.settleWaiters();
            break;
          case 'error':
            this.logger.error(this.recordError(status.error, 'NATS error').message);
            break;
          case 'slowConsumer':
            this.lastError = `slow consumer on ${status.sub.getSubject()}: ${status.pending} pending`;
            this.logger.warn(this.lastError);
            break;
          default:
            break;
        }
      }
      const closedWith = await connection.closed();
      if (closedWith) this.recordError(closedWith, 'connection closed');
    } catch (error) {
      this.recordError(error, 'status monitor failed');
    }
    if (this.state !== 'closed') {
      // The client gave up reconnecting: nothing will consume again until a new connect().
      this.state = 'closed';
      this.logger.error(`NATS connection closed for good: ${this.lastError ?? 'unknown reason'}`);
      this.settleWaiters(new Error('NATS connection is closed'));
    }
  }

  private settleWaiters(error?: Error): void {
    for (const waiter of this.upWaiters.splice(0)) {
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
  }
}
