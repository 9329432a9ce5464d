import type { ContractClass, ContractMetadata } from '../core/contract.js';
import type { EventOf } from '../contracts/define-contract.js';
import { contractOf } from '../decorators/metadata-accessor.js';
import type { MessageBus, PublishOptions, RequestOptions } from './message-bus.js';

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
    const merged = this.merged(options);
    return this.contract ? this.bus.publishContract(this.contract, payload, merged) : this.bus.send(this.topic, payload, merged);
  }

  /**
   * Publishes the event as a request and resolves with the handler's reply: with `reply: Contract`
   * validated and typed as that contract's event, else the decoded payload. Rejects with a
   * RemoteHandlerError (the handler failed) or a RequestTimeoutError (no reply in `timeoutMs`).
   */
  request<R extends ContractClass>(payload: T, options: RequestOptions<R> & { reply: R }): Promise<EventOf<R>>;
  request(payload: T, options?: RequestOptions<undefined>): Promise<unknown>;
  request(payload: T, options: RequestOptions<ContractClass | undefined> = {}): Promise<unknown> {
    return this.bus.requestTo(this.topic, this.contract, payload, this.merged(options));
  }

  private merged<O extends PublishOptions>(options: O): O {
    return this.hasDefaults ? { ...this.defaults, ...options } : options;
  }
}
