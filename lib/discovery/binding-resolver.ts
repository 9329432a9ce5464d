import { ConfigurationError } from '../core/errors.js';
import type { ContractClass, ContractMetadata } from '../core/contract.js';
import type { BatchOptions, SubscriberMetadata } from '../decorators/subscriber.decorator.js';
import { DEFAULT_BACKOFF } from '../core/backoff.js';
import type { DeadLetterOptions, NestreamModuleOptions, RetryOptions } from '../config/nestream-options.js';
import type { TransportRegistry } from '../config/transport-registry.js';
import { contractOf } from '../decorators/metadata-accessor.js';
import { VersionPlan } from '../core/version-plan.js';
import type { DiscoveredHandler } from './handler-explorer.js';
import type { HandlerBinding, PublishTarget, ResolvedBatch, ResolvedDeadLetter, ResolvedRetry } from '../config/handler-binding.js';

const DEFAULT_CONCURRENCY = 10;
const DEFAULT_ATTEMPTS = 3;
const DEFAULT_BATCH_CONCURRENCY = 1;
const DEFAULT_BATCH: ResolvedBatch = { maxSize: 100, maxWaitMs: 50 };
const ACK_POLICIES = ['after', 'before', 'manual'];

/**
 * Resolves each @Subscriber against the module defaults, and fails bootstrap with an error
 * naming `Class.method` for anything that would misbehave later.
 */
export class BindingResolver {
  constructor(
    private readonly options: NestreamModuleOptions,
    private readonly registry: TransportRegistry,
  ) {}

  resolve(handler: DiscoveredHandler): HandlerBinding[] {
    const id = `${handler.className}.${handler.methodName}`;
    const publishTo = handler.publishers.map((p) => this.publishTarget(id, p.target, p.options.transport));
    return handler.subscribers.map((subscriber) => this.bind(id, handler, subscriber, publishTo));
  }

  private bind(id: string, handler: DiscoveredHandler, { target, options }: SubscriberMetadata, publishTo: PublishTarget[]): HandlerBinding {
    const fail = (what: string) => new ConfigurationError(`${id}: ${what}`);
    const contract = this.contract(id, target);
    const topic = contract?.name ?? (target as string);
    if (typeof topic !== 'string' || topic.length === 0) throw fail('@Subscriber needs a topic or an @EventContract class');
    const transport = this.transportName(id, options.transport);
    const batch = this.batch(id, options.batch);
    const concurrency = options.concurrency ?? (batch ? DEFAULT_BATCH_CONCURRENCY : (this.options.concurrency ?? DEFAULT_CONCURRENCY));
    if (!Number.isInteger(concurrency) || concurrency < 1) throw fail(`concurrency must be a positive integer, got ${concurrency}`);
    if (options.group !== undefined && (typeof options.group !== 'string' || options.group.length === 0)) throw fail('group must be a non-empty string');
    const decode = options.decode ?? true;
    if (!decode && contract) throw fail('decode: false cannot be combined with an event contract (the contract needs the decoded payload)');
    const ack = options.ack ?? 'after';
    if (!ACK_POLICIES.includes(ack)) throw fail(`ack must be one of ${ACK_POLICIES.join(', ')}, got '${ack}'`);
    const retry = this.retry(id, options.retry === undefined ? this.options.retry : options.retry);
    if (batch && retry && retry.mode === 'native') throw fail("batch handlers retry in-process; retry.mode 'native' cannot be combined with batch");
    return {
      id,
      topic,
      transport,
      group: options.group ?? `${this.options.serviceName}.${handler.className}.${handler.methodName}`,
      concurrency,
      batch,
      contract,
      versions: this.versions(id, contract),
      decode,
      retry,
      deadLetter: this.deadLetter(id, topic, transport, options.deadLetter ?? this.options.deadLetter ?? true),
      idempotent: options.idempotent ?? this.options.idempotency?.enabled ?? false,
      ack,
      nonRetryable: [...(this.options.nonRetryable ?? []), ...(options.nonRetryable ?? [])],
      interceptors: handler.interceptors,
      transportOptions: this.transportOptions(id, transport, options.transportOptions ?? {}),
      publishTo,
    };
  }

  /** Only versioned contracts get a plan; an upcaster for an unversioned one is a mistake to report. */
  private versions(id: string, contract: ContractMetadata | undefined): VersionPlan | undefined {
    if (!contract) return undefined;
    const upcasters = this.options.upcasters ?? [];
    const wrong = upcasters.find((cast) => cast.direction !== 'upcast');
    if (wrong) throw new ConfigurationError(`NestreamModule.forRoot: upcasters takes upcast(...) declarations; ${wrong.from.target.name} → ${wrong.to.target.name} is a ${wrong.direction}`);
    if (!contract.version) {
      if (upcasters.some((cast) => cast.to.name === contract.name)) {
        throw new ConfigurationError(`${id}: ${contract.target.name} has no version, but upcasters lead to '${contract.name}'; give it one with @EventContract('${contract.name}', { version })`);
      }
      return undefined;
    }
    try {
      return new VersionPlan(contract as ContractMetadata & { version: string }, upcasters);
    } catch (error) {
      throw new ConfigurationError(`${id}: ${(error as Error).message}`);
    }
  }

  private transportOptions(id: string, transport: string, options: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
    const problems = this.registry.get(transport).checkSubscriberOptions?.(options) ?? [];
    if (problems.length > 0) throw new ConfigurationError(`${id}: transportOptions for '${transport}': ${problems.join('; ')}`);
    return options;
  }

  private contract(id: string, target: string | ContractClass): ContractMetadata | undefined {
    return typeof target === 'function' ? contractOf(target, id) : undefined;
  }

  private publishTarget(id: string, target: string | ContractClass, transport: string | undefined): PublishTarget {
    const contract = this.contract(id, target);
    return { topic: contract?.name ?? (target as string), transport: this.transportName(id, transport), contract };
  }

  private transportName(id: string, name: string | undefined): string {
    if (name === undefined) return this.registry.defaultName;
    if (!this.registry.has(name)) {
      throw new ConfigurationError(`${id}: unknown transport '${name}'; configured transports: ${this.registry.names.join(', ')}`);
    }
    return name;
  }

  private retry(id: string, retry: RetryOptions | false | undefined): ResolvedRetry | false {
    if (retry === false) return false;
    const attempts = retry?.attempts ?? DEFAULT_ATTEMPTS;
    if (!Number.isInteger(attempts) || attempts < 1) throw new ConfigurationError(`${id}: retry.attempts must be an integer ≥ 1, got ${attempts}`);
    const backoff = { ...DEFAULT_BACKOFF, ...retry?.backoff };
    for (const [name, value] of Object.entries(backoff)) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new ConfigurationError(`${id}: retry.backoff.${name} must be a number ≥ 0`);
    }
    if (backoff.jitter > 1) throw new ConfigurationError(`${id}: retry.backoff.jitter is a fraction between 0 and 1`);
    return { attempts, backoff, mode: retry?.mode ?? 'auto' };
  }

  private batch(id: string, option: boolean | BatchOptions | undefined): ResolvedBatch | false {
    if (option === undefined || option === false) return false;
    const batch = { ...DEFAULT_BATCH, ...(option === true ? {} : option) };
    if (!Number.isInteger(batch.maxSize) || batch.maxSize < 1) throw new ConfigurationError(`${id}: batch.maxSize must be a positive integer, got ${batch.maxSize}`);
    if (typeof batch.maxWaitMs !== 'number' || !Number.isFinite(batch.maxWaitMs) || batch.maxWaitMs < 0) {
      throw new ConfigurationError(`${id}: batch.maxWaitMs must be a number ≥ 0, got ${batch.maxWaitMs}`);
    }
    return batch;
  }

  private deadLetter(id: string, topic: string, transport: string, option: DeadLetterOptions | boolean): ResolvedDeadLetter | false {
    if (option === false) return false;
    const named = option === true ? {} : option;
    return { topic: named.topic ?? `${topic}.dlq`, transport: this.transportName(id, named.transport ?? transport) };
  }
}
