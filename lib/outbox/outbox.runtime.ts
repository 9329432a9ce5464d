import { Inject, Injectable, Optional, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { NESTREAM_DISCOVERY_ONLY } from '../config/discovery-only.js';
import { NestreamLogger } from '../core/logger.js';
import { redactSecrets } from '../core/redact.js';
import { NESTREAM_TELEMETRY, type NestreamTelemetry } from '../observability/nestream-telemetry.js';
import { MessageBus } from '../publishing/message-bus.js';
import { OutboxMetrics } from './outbox.metrics.js';
import { resolveRelayOptions, type OutboxModuleOptions, type ResolvedRelayOptions } from './outbox.options.js';
import { outboxQueries, type OutboxQueries } from './outbox.queries.js';
import { outboxSchemaSql, outboxTables, type OutboxTables } from './outbox.schema.js';
import { OUTBOX_OPTIONS } from './outbox.tokens.js';
import { OutboxRelay } from './relay/outbox-relay.js';
import { cleanUp, readOutboxStats, type OutboxStats } from './relay/outbox-stats.js';

/**
 * The outbox's moving parts in one app: the schema at startup (when asked), the relay (when
 * on), and the timers that read the stats (metrics, health) and clean up sent rows. The relay
 * stops in onModuleDestroy, before nestream closes the transports it publishes on.
 */
@Injectable()
export class OutboxRuntime implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new NestreamLogger('NestreamOutbox');
  readonly tables: OutboxTables;
  readonly queries: OutboxQueries;
  readonly relayOptions: ResolvedRelayOptions;
  relay?: OutboxRelay;
  stats?: OutboxStats;
  statsError?: string;
  private metrics?: OutboxMetrics;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    @Inject(OUTBOX_OPTIONS) readonly options: OutboxModuleOptions,
    private readonly bus: MessageBus,
    @Inject(NESTREAM_TELEMETRY) private readonly telemetry: NestreamTelemetry,
    /** Set when the app is only described (the AsyncAPI CLI): no relay, no timers, no database work. */
    @Optional() @Inject(NESTREAM_DISCOVERY_ONLY) private readonly discoveryOnly?: boolean,
  ) {
    this.tables = outboxTables(options.schema);
    this.queries = outboxQueries(this.tables);
    this.relayOptions = resolveRelayOptions(typeof options.relay === 'object' ? options.relay : {});
  }

  get database() {
    return this.options.database;
  }

  async onModuleInit(): Promise<void> {
    if (this.discoveryOnly) return;
    if (this.options.createSchema) await this.database.exec(outboxSchemaSql(this.tables.schema));
    if (this.telemetry.metrics) this.metrics = await OutboxMetrics.create(this.telemetry.metrics);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.discoveryOnly) return;
    if (this.options.relay !== false) {
      this.relay = new OutboxRelay(this.database, this.tables, this.queries, this.relayOptions, this.bus, this.metrics);
      await this.relay.start();
      this.every(this.relayOptions.cleanupIntervalMs, () => this.cleanUp());
    }
    await this.refreshStats();
    this.every(this.relayOptions.statsIntervalMs, () => this.refreshStats());
  }

  async onModuleDestroy(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.relay?.stop();
  }

  /** Reads pending / dead / lag now (the timer does it every `statsIntervalMs`). */
  async refreshStats(): Promise<OutboxStats | undefined> {
    try {
      this.stats = await readOutboxStats(this.database.sql, this.queries);
      this.statsError = undefined;
      this.metrics?.observeStats(this.stats);
    } catch (error) {
      this.statsError = redactSecrets((error as Error).message);
    }
    return this.stats;
  }

  async cleanUp(): Promise<number> {
    try {
      return await cleanUp(this.database.sql, this.queries, this.relayOptions.retentionMs, this.relayOptions.cleanupBatchSize);
    } catch (error) {
      this.logger.warn(`outbox cleanup failed: ${redactSecrets((error as Error).message)}`);
      return 0;
    }
  }

  private every(ms: number, task: () => Promise<unknown>): void {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      void task().finally(() => (running = false));
    }, ms);
    timer.unref?.();
    this.timers.push(timer);
  }
}
