import type { BackoffOptions } from '../core/backoff.js';
import type { ErrorClass } from '../core/errors.js';

export type { BackoffOptions } from '../core/backoff.js';
import type { IdempotencyStore } from '../core/idempotency-store.js';
import type { MessageInterceptor } from '../core/interceptor.js';
import type { Transport } from '../core/transport.js';
import type { VersionCast } from '../core/contract-version.js';

export interface RetryOptions {
  /** Runs in all, the first included. Default 3. */
  attempts?: number;
  backoff?: BackoffOptions;
  /**
   * 'in-process' waits and re-runs while holding the message; 'native' asks the broker to
   * redeliver later (transports with `nativeDelayedRedelivery`); 'auto' (default) picks native
   * where the transport has it.
   */
  mode?: 'auto' | 'in-process' | 'native';
}

export interface DeadLetterOptions {
  /** Default `<topic>.dlq`. */
  topic?: string;
  /** Default: the handler's own transport. */
  transport?: string;
}

/** 'after' (default) acks once the handler succeeded; 'before' acks first (at-most-once); 'manual' leaves it to `ctx.ack()`. */
export type AckPolicy = 'after' | 'before' | 'manual';

export interface IdempotencyOptions {
  /** Check keys for every handler unless it says otherwise. Default false. */
  enabled?: boolean;
  /** Default: an in-memory store (per process). */
  store?: IdempotencyStore;
  /** How long a processed key is remembered. Default 24 h. */
  ttlMs?: number;
}

/**
 * A prom-client `Registry` (described by the members nestream uses, so the options type does
 * not need prom-client installed).
 */
export interface MetricsRegistry {
  readonly contentType: string;
  metrics(): Promise<string>;
  getSingleMetric(name: string): unknown;
}

export interface MetricsOptions {
  /** Where the metrics are registered. Default: prom-client's global `register`. */
  registry?: MetricsRegistry;
  /** Prefix of every metric name. Default `nestream_`. */
  prefix?: string;
  /** Histogram buckets of the duration metrics, in seconds. Default 1 ms … 10 s. */
  durationBuckets?: number[];
}

/** An OpenTelemetry `TracerProvider` (structurally, so the options type needs no OpenTelemetry package). */
export interface TracerProviderLike {
  getTracer(name: string, version?: string): unknown;
}

export interface TracingOptions {
  /** Default: the global provider (`trace.getTracerProvider()`), the one the OpenTelemetry SDK registers. */
  tracerProvider?: TracerProviderLike;
}

export interface LoggingOptions {
  /**
   * One debug line when a message is received and one when it is handled (ids, topic,
   * transport, attempt, outcome, duration). Default false: two lines per message drown the
   * rest. 'auto': when the app's logger has the debug level on at bootstrap. Lines are never
   * built while debug is off.
   */
  messages?: boolean | 'auto';
  /** Add the payload to those lines (at most 1 KiB). Default false: payloads may hold personal data. */
  payloads?: boolean;
}

export interface NestreamModuleOptions {
  /** Stamped as `x-source` on everything this service publishes; part of default group names. */
  serviceName: string;
  /** Name → transport. The first is the default. None: one in-memory transport named `memory`. */
  transports?: Record<string, Transport>;
  retry?: RetryOptions | false;
  /** `true` (default): `<topic>.dlq` on the same transport. `false`: off. */
  deadLetter?: DeadLetterOptions | boolean;
  idempotency?: IdempotencyOptions;
  /** Errors never retried, besides NonRetryableError and validation failures. */
  nonRetryable?: ErrorClass[];
  /** Run around every handler (inside retry) and every publish. */
  interceptors?: MessageInterceptor[];
  /** Default concurrency per subscriber. Default 10. */
  concurrency?: number;
  /** Bodies larger than this go to the dead letter unread. Default 1 MiB. */
  maxBodyBytes?: number;
  /** How long shutdown waits for in-flight handlers and then for the transports to close (at least 2 s for those). Default 10 s. */
  shutdownTimeoutMs?: number;
  /** Prometheus metrics through prom-client (an optional peer). `true`: global registry, `nestream_` prefix. Default off. */
  metrics?: MetricsOptions | boolean;
  /** OpenTelemetry spans and W3C trace context in headers, through `@opentelemetry/api` (an optional peer). Default off. */
  tracing?: TracingOptions | boolean;
  /** Per-message debug lines (off by default); docs/logging.md. */
  logging?: LoggingOptions;
  /**
   * `upcast(Old, New, fn)` declarations: a subscriber of a versioned contract also takes older
   * versions that a chain of upcasters leads from (docs/contracts.md, "Contract versions").
   */
  upcasters?: readonly VersionCast[];
  /** `downcast(New, Old, fn)` declarations: each publish of New also publishes an Old copy, for consumers not yet moved. */
  downcasters?: readonly VersionCast[];
}
