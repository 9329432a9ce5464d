import { Inject, Injectable, Optional, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ExternalContextCreator } from '@nestjs/core';
import { ConfigurationError } from '../core/errors.js';
import { NestreamLogger } from '../core/logger.js';
import { MessageContext, type MessageContextInit } from '../core/message-context.js';
import type { Delivery } from '../core/message.js';
import type { IdempotencyStore } from '../core/idempotency-store.js';
import { NESTREAM_IDEMPOTENCY_STORE, NESTREAM_OPTIONS } from '../config/nestream.module-definition.js';
import type { NestreamModuleOptions } from '../config/nestream-options.js';
import { MessageBus } from '../publishing/message-bus.js';
import { PublishPipeline } from '../publishing/publish-pipeline.js';
import { TransportRegistry } from '../config/transport-registry.js';
import type { Subscription } from '../core/transport.js';
import { BindingResolver } from './binding-resolver.js';
import { gatherBatches } from '../consume/batch-gatherer.js';
import { ConsumeChainFactory } from '../consume/consume-chain.factory.js';
import type { HandlerBinding } from '../config/handler-binding.js';
import { HandlerExplorer, type DiscoveredHandler } from './handler-explorer.js';
import { createHandlerInvocation } from '../consume/handler-invoker.js';
import { NESTREAM_HANDLER_OBSERVERS, type HandlerObserver } from '../config/handler-observer.js';
import { NESTREAM_TELEMETRY, type NestreamTelemetry } from '../observability/nestream-telemetry.js';
import { NESTREAM_DISCOVERY_ONLY } from '../config/discovery-only.js';

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
/** Closing a transport (leaving a Kafka group, closing channels) gets this long even when the handlers used up shutdownTimeoutMs. */
const TRANSPORT_CLOSE_GRACE_MS = 2_000;

/**
 * Binds every discovered handler to its transport at bootstrap, reports readiness, and on
 * shutdown stops consuming, waits for in-flight handlers, then closes the transports.
 */
@Injectable()
export class NestreamRegistrar implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new NestreamLogger('Nestream');
  private resolved?: { handler: DiscoveredHandler; binding: HandlerBinding }[];
  private readonly subscriptions: Subscription[] = [];
  /** Handlers subscribed per transport name, for health reports. */
  private readonly subscribedHandlers = new Map<string, number>();
  private readonly readiness: Promise<void>;
  private markReady!: (error?: unknown) => void;
  /** When shutdown must be over: set as it begins, shared by the handlers' drain and the transports' close. */
  private shutdownDeadline?: number;

  constructor(
    private readonly explorer: HandlerExplorer,
    private readonly registry: TransportRegistry,
    private readonly contextCreator: ExternalContextCreator,
    private readonly pipeline: PublishPipeline,
    private readonly bus: MessageBus,
    @Inject(NESTREAM_OPTIONS) private readonly options: NestreamModuleOptions,
    @Inject(NESTREAM_IDEMPOTENCY_STORE) private readonly idempotencyStore: IdempotencyStore,
    @Inject(NESTREAM_HANDLER_OBSERVERS) private readonly observers: HandlerObserver[],
    @Inject(NESTREAM_TELEMETRY) private readonly telemetry: NestreamTelemetry,
    @Optional() @Inject(NESTREAM_DISCOVERY_ONLY) private readonly discoveryOnly?: boolean,
  ) {
    this.readiness = new Promise((resolve, reject) => {
      this.markReady = (error) => (error ? reject(error) : resolve());
    });
    this.readiness.catch(() => undefined);
  }

  /** Every binding, resolved and checked; misconfiguration throws here, before anything runs. */
  onModuleInit(): void {
    if (!this.options?.serviceName) throw new ConfigurationError('NestreamModule.forRoot: serviceName is required');
    const resolver = new BindingResolver(this.options, this.registry);
    const resolved: { handler: DiscoveredHandler; binding: HandlerBinding }[] = [];
    const seen = new Set<string>();
    for (const handler of this.explorer.explore()) {
      for (const binding of resolver.resolve(handler)) {
        const key = `${binding.transport}|${binding.topic}|${binding.group}|${binding.id}`;
        if (seen.has(key)) {
          // Versions of one event share its topic: one method taking two of them would run twice per message.
          const versions = binding.versions ? '; a handler takes one version of an event, and upcasters bring it the others' : '';
          throw new ConfigurationError(`${binding.id}: subscribed twice to '${binding.topic}' on '${binding.transport}' in group '${binding.group}'${versions}`);
        }
        seen.add(key);
        resolved.push({ handler, binding });
      }
    }
    this.resolved = resolved;
  }

  /** Every binding resolved at module init: what the app consumes, for the AsyncAPI document. */
  get bindings(): readonly HandlerBinding[] {
    if (!this.resolved) throw new ConfigurationError('nestream: handler bindings are resolved at module init; read them after app.init()');
    return this.resolved.map(({ binding }) => binding);
  }

  async onApplicationBootstrap(): Promise<void> {
    // Describing the app, not running it: nothing connects, and readiness never comes.
    if (this.discoveryOnly) return;
    try {
      const chains = new ConsumeChainFactory(this.options, this.pipeline, this.bus, this.idempotencyStore, this.observers, this.telemetry);
      // In parallel: a broker that rebalances per subscription (Kafka) then joins once per group.
      const results = await Promise.allSettled((this.resolved ?? []).map(({ handler, binding }) => this.bind(chains, handler, binding)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      this.markReady();
    } catch (error) {
      this.markReady(error);
      throw error;
    }
  }

  private async bind(chains: ConsumeChainFactory, handler: DiscoveredHandler, binding: HandlerBinding): Promise<void> {
    const transport = await this.registry.connected(binding.transport);
    const invoke = createHandlerInvocation(this.contextCreator, handler.instance, handler.methodName);
    const init = { transport: binding.transport, group: binding.group, handler: binding.id };
    const create = transport.createContext?.bind(transport) ?? ((i: MessageContextInit) => new MessageContext(i));
    const createContext = (delivery: Delivery) => create({ ...init, delivery });
    const request = { topic: binding.topic, group: binding.group, concurrency: binding.concurrency, options: binding.transportOptions };
    let subscription: Subscription;
    if (binding.batch) {
      const batchRequest = { ...request, ...binding.batch, handler: chains.buildBatch(binding, transport, invoke, createContext) };
      subscription = await (transport.subscribeBatch ? transport.subscribeBatch(batchRequest) : transport.subscribe(gatherBatches(batchRequest)));
    } else {
      const chain = chains.build(binding, transport, invoke);
      const acksLast = binding.ack === 'after';
      // The chain's outermost step (settle) resolves with nothing: its promise is the handler's, no wrapper per message.
      const handler = (delivery: Delivery): Promise<void> => {
        try {
          return chain(createContext(delivery)) as Promise<void>;
        } catch (error) {
          return Promise.reject(error);
        }
      };
      subscription = await transport.subscribe({ ...request, acksLast, handler });
    }
    this.subscriptions.push(subscription);
    this.subscribedHandlers.set(binding.transport, (this.subscribedHandlers.get(binding.transport) ?? 0) + 1);
    const mode = binding.batch ? `batches of up to ${binding.batch.maxSize}` : 'one message at a time';
    this.logger.debug(`${binding.id} subscribed to ${binding.topic} on ${binding.transport} (group ${binding.group}, ${mode})`);
  }

  /** How many handlers are subscribed on the transport (0 before bootstrap subscribed them). */
  handlersOn(transport: string): number {
    return this.subscribedHandlers.get(transport) ?? 0;
  }

  /** Resolves once every handler is subscribed. */
  whenReady(): Promise<void> {
    return this.readiness;
  }

  /** Stop taking messages and let in-flight handlers finish (bounded), while transports can still publish. */
  async onModuleDestroy(): Promise<void> {
    const timeoutMs = this.options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    this.shutdownDeadline = Date.now() + timeoutMs;
    const drained = Promise.allSettled(this.subscriptions.splice(0).map((s) => s.close()));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([drained, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') this.logger.warn(`shutdown: in-flight handlers still running after ${timeoutMs} ms; closing transports anyway`);
  }

  /** Closes the transports within what is left of shutdownTimeoutMs (at least TRANSPORT_CLOSE_GRACE_MS), then lets the process go. */
  async onApplicationShutdown(): Promise<void> {
    const left = Math.max(TRANSPORT_CLOSE_GRACE_MS, (this.shutdownDeadline ?? Infinity) - Date.now());
    const stillClosing = await this.registry.closeAll(left);
    if (stillClosing.length > 0) this.logger.warn(`shutdown: transport(s) ${stillClosing.join(', ')} still closing after ${Math.round(left)} ms (a handler that never returned?); not waiting longer`);
  }
}
