import { NestreamLogger } from '../../core/logger.js';
import { redactSecrets } from '../../core/redact.js';
import type { MessageBus } from '../../publishing/message-bus.js';
import type { OutboxDatabase } from '../database/outbox-database.js';
import type { OutboxMetrics } from '../outbox.metrics.js';
import type { ResolvedRelayOptions } from '../outbox.options.js';
import type { OutboxQueries, OutboxRow } from '../outbox.queries.js';
import type { OutboxTables } from '../outbox.schema.js';
import { runRelayBatch } from './relay-batch.js';
import { Wakeup } from './wakeup.js';

export type RelayState = 'stopped' | 'running' | 'failing';

/**
 * Publishes committed outbox events through the app's publish chain (confirms, metrics,
 * tracing, as any publish) and marks them sent. Any number of relays may run against one
 * database (in the apps, or in processes of their own): each batch claims heads of keys with
 * SKIP LOCKED, so each event is claimed by one relay and one key is never in flight twice.
 * A database error (a restart, a failover) is logged and retried; the relay recovers by itself.
 */
export class OutboxRelay {
  private readonly logger = new NestreamLogger('NestreamOutbox');
  private readonly wakeup: Wakeup;
  private loop?: Promise<void>;
  private stopping = false;
  state: RelayState = 'stopped';
  lastError?: string;
  /** Counted since start, for tests and logs. */
  published = 0;

  constructor(
    private readonly database: OutboxDatabase,
    private readonly tables: OutboxTables,
    private readonly queries: OutboxQueries,
    private readonly options: ResolvedRelayOptions,
    private readonly bus: MessageBus,
    private readonly metrics?: OutboxMetrics,
  ) {
    this.wakeup = new Wakeup(database, tables.channel, options.pollIntervalMs);
  }

  /** True while LISTEN is established (else the relay polls). */
  get listening(): boolean {
    return this.wakeup.listeningNow;
  }

  async start(): Promise<void> {
    if (this.loop) return;
    this.stopping = false;
    this.state = 'running';
    await this.wakeup.start();
    this.loop = this.run();
  }

  /** Finishes the batch in flight (its publishes and its commit), then stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.wakeup.stop();
    await this.loop;
    this.loop = undefined;
    this.state = 'stopped';
  }

  /** Look now rather than at the next notification or poll. */
  wake(): void {
    this.wakeup.wake();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let full = false;
      try {
        const result = await runRelayBatch(this.database, this.queries, this.options, (row) => this.publish(row));
        this.published += result.sent.length;
        for (const row of result.sent) this.metrics?.eventPublished(row.transport, row.topic);
        const dead = new Set(result.dead);
        for (const row of result.failed) this.metrics?.publishFailed(row.transport, row.topic, dead.has(row));
        for (const row of result.dead) this.logger.error(`outbox event ${row.id} (${row.topic}, key ${row.key ?? '-'}) is dead after ${row.attempts + 1} attempts; OutboxAdmin.redrive() sends it again`);
        if (this.state === 'failing') this.logger.log('outbox relay recovered');
        this.state = 'running';
        this.lastError = undefined;
        failures = 0;
        full = result.full && result.sent.length > 0;
      } catch (error) {
        failures++;
        this.state = 'failing';
        this.lastError = redactSecrets((error as Error).message ?? String(error));
        if (failures === 1) this.logger.warn(`outbox relay: ${this.lastError}; retrying`);
      }
      if (!full && !this.stopping) await this.wakeup.wait(failures > 0 ? Math.min(this.options.pollIntervalMs * failures, 10_000) : this.options.pollIntervalMs);
    }
  }

  private publish(row: OutboxRow): Promise<void> {
    const message = {
      topic: row.topic,
      body: Buffer.from(row.payload),
      headers: { ...row.headers },
      key: row.key ?? undefined,
      options: row.options ?? undefined,
    };
    return withTimeout(this.bus.sendPrepared({ transport: row.transport, message }), this.options.publishTimeoutMs, `publish of outbox event ${row.id} to ${row.topic}`);
  }
}

/** A publish that hangs (a broker that accepts connections but never confirms) must not hold its batch forever. */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
