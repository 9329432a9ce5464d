import type { Counter, Gauge, Registry } from 'prom-client';
import type { NestreamMetrics } from '../observability/nestream-metrics.js';
import { loadOptionalPeer } from '../observability/optional-peer.js';
import type { OutboxStats } from './relay/outbox-stats.js';

type PromClient = typeof import('prom-client');

/**
 * The outbox's Prometheus metrics, beside nestream's own (same registry, same prefix), when
 * metrics are on: pending rows, age of the oldest pending event, dead events (gauges, read by
 * the stats query), and published / failed publishes by the relay (counters: rate() gives per second).
 */
export class OutboxMetrics {
  private constructor(
    private readonly pending: Gauge,
    private readonly oldest: Gauge,
    private readonly dead: Gauge,
    private readonly published: Counter<'transport' | 'topic'>,
    private readonly failures: Counter<'transport' | 'topic' | 'outcome'>,
  ) {}

  static async create(metrics: NestreamMetrics): Promise<OutboxMetrics> {
    const prom = await loadOptionalPeer<PromClient>('prom-client', 'metrics');
    const registry = metrics.registry as Registry;
    const metric = <M>(name: string, create: (config: { name: string; registers: Registry[] }) => M): M =>
      (registry.getSingleMetric(metrics.prefix + name) as M | undefined) ?? create({ name: metrics.prefix + name, registers: [registry] });
    return new OutboxMetrics(
      metric('outbox_pending', (c) => new prom.Gauge({ ...c, help: 'Outbox events committed and not published yet' })),
      metric('outbox_oldest_pending_seconds', (c) => new prom.Gauge({ ...c, help: 'Age of the oldest pending outbox event (relay lag)' })),
      metric('outbox_dead', (c) => new prom.Gauge({ ...c, help: 'Outbox events that spent their attempts; re-drive them with OutboxAdmin.redrive()' })),
      metric('outbox_published_total', (c) => new prom.Counter({ ...c, help: 'Outbox events the relay published', labelNames: ['transport', 'topic'] })),
      metric('outbox_publish_failures_total', (c) =>
        new prom.Counter({ ...c, help: 'Failed relay publishes, by what became of the event', labelNames: ['transport', 'topic', 'outcome'] }),
      ),
    );
  }

  observeStats(stats: OutboxStats): void {
    this.pending.set(stats.pending);
    this.oldest.set(stats.oldestPendingSeconds);
    this.dead.set(stats.dead);
  }

  eventPublished(transport: string, topic: string): void {
    this.published.inc({ transport, topic });
  }

  publishFailed(transport: string, topic: string, dead: boolean): void {
    this.failures.inc({ transport, topic, outcome: dead ? 'dead' : 'retry' });
  }
}
