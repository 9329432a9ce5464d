import type { ContractClass, ContractMetadata } from '../core/contract.js';
import { contractOf } from '../decorators/metadata-accessor.js';
import type { PublishOptions } from '../publishing/message-bus.js';
import type { OutboxTransaction } from './adapters/transaction-handle.js';
import type { OutboxReceipt, OutboxWriter } from './outbox.writer.js';

/**
 * The outbox face of one event contract (`@InjectOutbox(OrderPlaced)`): `publish(tx, ...)`
 * writes the event in the caller's transaction; the relay publishes it once that commits.
 */
export class OutboxPublisher<T> {
  private readonly target: ContractMetadata | string;

  constructor(
    private readonly writer: OutboxWriter,
    target: ContractClass<T> | string,
    private readonly defaults: PublishOptions = {},
  ) {
    this.target = typeof target === 'string' ? target : contractOf(target as ContractClass, 'NestreamOutboxModule.forFeature');
  }

  /** Resolves once the event is inserted (not yet published); rejects, writing nothing, if it is invalid. */
  publish(tx: OutboxTransaction, payload: T, options: PublishOptions = {}): Promise<OutboxReceipt> {
    return this.writer.write(tx, this.target, payload, { ...this.defaults, ...options });
  }
}
