import type { Counter, Registry } from 'prom-client';
import type { NestreamMetrics } from '../observability/nestream-metrics.js';
import { loadOptionalPeer } from '../observability/optional-peer.js';

type PromClient = typeof import('prom-client');

export type ReplayOutcome = 'replayed' | 'skipped' | 'failed';

/** `<prefix>dead_letters_replayed_total{transport, topic, outcome}`, beside nestream's metrics, when metrics are on. */
export class DeadLetterMetrics {
  private constructor(private readonly replays: Counter<'transport' | 'topic' | 'outcome'>) {}

  static async create(metrics: NestreamMetrics): Promise<DeadLetterMetrics> {
    const prom = await loadOptionalPeer<PromClient>('prom-client', 'metrics');
    const registry = metrics.registry as Registry;
    const name = metrics.prefix + 'dead_letters_replayed_total';
    const counter =
      (registry.getSingleMetric(name) as Counter<'transport' | 'topic' | 'outcome'> | undefined) ??
      new prom.Counter({
        name,
        registers: [registry],
        help: 'Dead letters taken by a replay, by what became of each (replayed, skipped at max replays, failed)',
        labelNames: ['transport', 'topic', 'outcome'],
      });
    return new DeadLetterMetrics(counter);
  }

  replay(transport: string, topic: string, outcome: ReplayOutcome): void {
    this.replays.inc({ transport, topic, outcome });
  }
}
