import type { ContractClass } from '../decorators/event-contract.decorator.js';
import type { MessageBus, PublishOptions } from './message-bus.js';

/** Typed publisher of one event contract (or topic), from `@InjectPublisher`. */
export class EventPublisher<T> {
  constructor(
    private readonly bus: MessageBus,
    private readonly target: ContractClass<T> | string,
    private readonly defaults: PublishOptions = {},
  ) {}

  /** Resolves once the broker accepted the event; rejects (sending nothing) if it is invalid. */
  publish(payload: T, options: PublishOptions = {}): Promise<void> {
    return this.bus.publish(this.target as ContractClass | string, payload, { ...this.defaults, ...options });
  }
}
