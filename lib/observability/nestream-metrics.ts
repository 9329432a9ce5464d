import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricsOptions, MetricsRegistry } from '../config/nestream-options.js';
import type { MessageOutcome } from './message-outcome.js';
import { loadOptionalPeer } from './optional-peer.js';

type PromClient = typeof import('prom-client');

/** 1 ms to 10 s: broker round trips at the bottom, slow handlers at the top. */
const DEFAULT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Labels of everything measured for one handler on one topic. */
export interface ConsumeLabels {
  readonly transport: string;
  readonly topic: string;
  readonly handler: string;
}

/** Labels of publishes to one topic on one transport. */
export interface PublishLabels {
  readonly transport: string;
  readonly topic: string;
}

/**
 * nestream's Prometheus metrics, registered once on the app's registry. prom-client is an
 * optional peer: it is imported (dynamically) only when metrics are turned on.
 */
export class NestreamMetrics {
  readonly registry: MetricsRegistry;
  /** Prefix of every metric name; metrics of other parts (the outbox) use it too. */
  readonly prefix: string;
  private readonly consumed: Counter<'transport' | 'topic' | 'handler' | 'outcome'>;
  private readonly handlerDuration: Histogram<'transport' | 'topic' | 'handler' | 'outcome'>;
  private readonly inFlight: Gauge<'transport' | 'topic' | 'handler'>;
  private readonly retries: Counter<'transport' | 'topic' | 'handler'>;
  private readonly published: Counter<'transport' | 'topic' | 'outcome'>;
  private readonly publishDuration: Histogram<'transport' | 'topic'>;
  private readonly versions: Counter<'transport' | 'topic' | 'operation' | 'version'>;

  static async create(options: MetricsOptions): Promise<NestreamMetrics> {
    return new NestreamMetrics(await loadOptionalPeer<PromClient>('prom-client', 'metrics'), options);
  }

  private constructor(prom: PromClient, options: MetricsOptions) {
    const registry = (options.registry ?? prom.register) as Registry;
    this.registry = registry;
    const prefix = options.prefix ?? 'nestream_';
    this.prefix = prefix;
    const buckets = options.durationBuckets ?? DEFAULT_BUCKETS;
    // An app booted twice in one process (tests) finds its metrics registered already: reuse them.
    const metric = <M>(name: string, create: (config: { name: string; registers: Registry[] }) => M): M =>
      (registry.getSingleMetric(prefix + name) as M | undefined) ?? create({ name: prefix + name, registers: [registry] });
    this.consumed = metric('messages_consumed_total', (c) =>
      new prom.Counter({ ...c, help: 'Messages consumed, by how their delivery ended', labelNames: ['transport', 'topic', 'handler', 'outcome'] }),
    );
    this.handlerDuration = metric('handler_duration_seconds', (c) =>
      new prom.Histogram({ ...c, help: 'Time from receiving a message to its outcome, in-process retries included', labelNames: ['transport', 'topic', 'handler', 'outcome'], buckets }),
    );
    this.inFlight = metric('messages_in_flight', (c) => new prom.Gauge({ ...c, help: 'Messages being handled now', labelNames: ['transport', 'topic', 'handler'] }));
    this.retries = metric('retries_total', (c) =>
      new prom.Counter({ ...c, help: 'Retries scheduled (in-process re-runs and native redeliveries with delay)', labelNames: ['transport', 'topic', 'handler'] }),
    );
    this.published = metric('messages_published_total', (c) =>
      new prom.Counter({ ...c, help: 'Messages published, by whether the broker accepted them', labelNames: ['transport', 'topic', 'outcome'] }),
    );
    this.publishDuration = metric('publish_duration_seconds', (c) =>
      new prom.Histogram({ ...c, help: 'Time until the broker accepted (or refused) a publish', labelNames: ['transport', 'topic'], buckets }),
    );
    // A metric of its own, so the other series keep their labels: how far a migration has got.
    this.versions = metric('event_versions_total', (c) =>
      new prom.Counter({ ...c, help: 'Versioned events received and published, by x-event-version as sent', labelNames: ['transport', 'topic', 'operation', 'version'] }),
    );
  }

  /** One versioned event received ('receive', before any upcast) or published ('send'). */
  eventVersion(transport: string, topic: string, operation: 'receive' | 'send', version: string): void {
    this.versions.inc({ transport, topic, operation, version });
  }

  messageStarted(labels: ConsumeLabels): void {
    this.inFlight.inc(labels);
  }

  messageEnded(labels: ConsumeLabels, outcome: MessageOutcome, seconds: number, retries: number): void {
    this.inFlight.dec(labels);
    const withOutcome = { ...labels, outcome };
    this.consumed.inc(withOutcome);
    this.handlerDuration.observe(withOutcome, seconds);
    if (retries > 0) this.retries.inc(labels, retries);
  }

  messagePublished(labels: PublishLabels, ok: boolean, seconds: number): void {
    this.published.inc({ ...labels, outcome: ok ? 'published' : 'failed' });
    this.publishDuration.observe(labels, seconds);
  }
}
