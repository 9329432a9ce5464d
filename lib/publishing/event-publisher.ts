import type { ContractClass, ContractMetadata } from '../core/contract.js';
import { contractOf } from '../decorators/metadata-accessor.js';
import type { MessageBus, PublishOptions } from './message-bus.js';

/** Typed publisher of one event contract (or topic), from `@InjectPublisher`. */
export class EventPublisher<T> {
  /** Resolved once here, not per publish. Public (read-only) for the AsyncAPI document. */
  readonly contract?: ContractMetadata;
  readonly topic: string;
  /** The transport named in `forFeature`; undefined: the module's default. */
  readonly transport?: string;
  private readonly hasDefaults: boolean;

  constructor(
    private readonly bus: MessageBus,
    target: ContractClass<T> | string,
    private readonly defaults: PublishOptions = {},
  ) {
    this.contract = typeof target === 'string' ? undefined : contractOf(target as ContractClass, 'NestreamModule.forFeature');
    this.topic = this.contract?.name ?? (target as string);
    this.transport = defaults.transport;
    this.hasDefaults = Object.keys(defaults).length > 0;
  }

  /** Resolves once the broker accepted the event; rejects (sending nothing) if it is invalid. */
  publish(payload: T, options: PublishOptions = {}): Promise<void> {
    const merged = this.hasDefaults ? { ...this.defaults, ...options } : options;
    return this.contract ? this.bus.publishContract(this.contract, payload, merged) : this.bus.send(this.topic, payload, merged);
  }
}
