import { Injectable } from '@nestjs/common';
import { outboxHealthReport, type OutboxHealthReport } from './outbox.health.js';
import { OutboxRuntime } from './outbox.runtime.js';
import type { OutboxStats } from './relay/outbox-stats.js';

export interface DeadOutboxEvent {
  readonly id: string;
  readonly transport: string;
  readonly topic: string;
  readonly key: string | null;
  readonly attempts: number;
  readonly last_error: string | null;
  readonly created_at: Date;
}

/** What an operator (or an admin endpoint) does with the outbox: look at it, and re-drive dead events. */
@Injectable()
export class OutboxAdmin {
  constructor(private readonly runtime: OutboxRuntime) {}

  /**
   * Dead events back to pending, attempts from zero: all of them, or those ids. The relay
   * publishes them next (each ahead of what is pending after it in its key). Returns their ids.
   */
  async redrive(ids?: readonly string[]): Promise<string[]> {
    const { database, queries, tables } = this.runtime;
    const rows = await database.sql.query<{ id: string }>(queries.redrive, [ids ? [...ids] : null]);
    if (rows.length > 0) await database.sql.query(queries.notify, [tables.channel]);
    await this.runtime.refreshStats();
    return rows.map((row) => row.id);
  }

  deadEvents(limit = 100): Promise<DeadOutboxEvent[]> {
    return this.runtime.database.sql.query<DeadOutboxEvent>(this.runtime.queries.dead, [limit]);
  }

  /** Pending, dead and the oldest pending age, read now. */
  async stats(): Promise<OutboxStats | undefined> {
    return this.runtime.refreshStats();
  }

  /** Relay lag and dead events, as of the last stats read (every `statsIntervalMs`). */
  health(): OutboxHealthReport {
    const { relay, stats, statsError, relayOptions } = this.runtime;
    return outboxHealthReport(stats, relay, relayOptions.maxLagMs, statsError);
  }
}
