import { Logger } from '@nestjs/common';
import type { Tracer, TracerProvider } from '@opentelemetry/api';
import type { MessageInterceptor } from '../core/interceptor.js';
import type { NestreamModuleOptions } from '../config/nestream-options.js';
import type { TransportRegistry } from '../config/transport-registry.js';
import { MessageLoggingInterceptor } from './message-logging.interceptor.js';
import { ConsumeMetricsInterceptor, PublishMetricsInterceptor } from './metrics.interceptor.js';
import { NestreamMetrics } from './nestream-metrics.js';
import { loadOptionalPeer } from './optional-peer.js';
import { messagingSystem } from './messaging-attributes.js';
import { ConsumeTracingInterceptor, PublishTracingInterceptor } from './tracing.interceptor.js';
import { extractTraceContext, injectTraceContext } from './w3c-trace-context.js';
import type { MessageHeaders } from '../core/headers.js';

type OtelApi = typeof import('@opentelemetry/api');

/** Token of the app's NestreamTelemetry. */
export const NESTREAM_TELEMETRY = Symbol('nestream:telemetry');

const TRACER_NAME = 'nestream';

/** One handler's telemetry interceptors, by their step of the consume chain (lib/consume/consume-chain.ts); absent when off. */
export interface ConsumeTelemetry {
  readonly tracing?: MessageInterceptor;
  readonly metrics?: MessageInterceptor;
  readonly 'message-logs'?: MessageInterceptor;
}

/**
 * Metrics, tracing and per-message logs, as the module options turn them on. Built once at
 * bootstrap (optional peers are imported here, only when enabled). What is off adds nothing to
 * any chain: the default chain stays as fast as it was.
 */
export class NestreamTelemetry {
  private constructor(
    private readonly registry: TransportRegistry,
    readonly metrics: NestreamMetrics | undefined,
    private readonly tracing: { api: OtelApi; tracer: Tracer } | undefined,
    private readonly logging: NonNullable<NestreamModuleOptions['logging']>,
  ) {}

  static async create(options: NestreamModuleOptions, registry: TransportRegistry): Promise<NestreamTelemetry> {
    const metrics = options.metrics ? await NestreamMetrics.create(options.metrics === true ? {} : options.metrics) : undefined;
    let tracing: { api: OtelApi; tracer: Tracer } | undefined;
    if (options.tracing) {
      const api = await loadOptionalPeer<OtelApi>('@opentelemetry/api', 'tracing');
      const provider = (options.tracing === true ? undefined : options.tracing.tracerProvider) as TracerProvider | undefined;
      tracing = { api, tracer: (provider ?? api.trace.getTracerProvider()).getTracer(TRACER_NAME) };
    }
    return new NestreamTelemetry(registry, metrics, tracing, options.logging ?? {});
  }

  /** Telemetry off: what tests and tools that build chains by hand use. */
  static disabled(registry: TransportRegistry): NestreamTelemetry {
    return new NestreamTelemetry(registry, undefined, undefined, { messages: false });
  }

  /** The interceptors of one handler's chain. Read at bootstrap, after the app's logger is set. */
  consume(binding: { readonly id: string; readonly transport: string }): ConsumeTelemetry {
    const telemetry: { -readonly [K in keyof ConsumeTelemetry]: ConsumeTelemetry[K] } = {};
    if (this.tracing) {
      const system = messagingSystem(this.registry.get(binding.transport).kind);
      telemetry.tracing = new ConsumeTracingInterceptor(this.tracing.api, this.tracing.tracer, system);
    }
    if (this.metrics) telemetry.metrics = new ConsumeMetricsInterceptor(this.metrics, binding.transport, binding.id);
    const messages = this.logging.messages ?? false;
    if (messages === true || (messages === 'auto' && Logger.isLevelEnabled('debug'))) {
      telemetry['message-logs'] = new MessageLoggingInterceptor(this.logging.payloads ?? false);
    }
    return telemetry;
  }

  /** The interceptors of the publish chain, after correlation (spans name the correlation id). */
  publish(): MessageInterceptor[] {
    const interceptors: MessageInterceptor[] = [];
    if (this.tracing) {
      const systemOf = (name: string) => (this.registry.has(name) ? messagingSystem(this.registry.get(name).kind) : name);
      interceptors.push(new PublishTracingInterceptor(this.tracing.api, this.tracing.tracer, systemOf));
    }
    if (this.metrics) interceptors.push(new PublishMetricsInterceptor(this.metrics));
    return interceptors;
  }

  /** Writes the active span's W3C trace context into headers now, for a publish made later (the outbox); nothing while tracing is off. */
  captureTraceContext(headers: MessageHeaders): void {
    if (this.tracing) injectTraceContext(this.tracing.api, this.tracing.api.context.active(), headers);
  }

  /** Runs `fn` inside the trace context the headers carry (see captureTraceContext); as it is while tracing is off. */
  withTraceContext<T>(headers: MessageHeaders, fn: () => T): T {
    if (!this.tracing) return fn();
    const { api } = this.tracing;
    return api.context.with(extractTraceContext(api, headers), fn);
  }
}
