import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { TransportRegistry } from '../config/transport-registry.js';
import type { ContractMetadata } from '../core/contract.js';
import { ConfigurationError } from '../core/errors.js';
import { checkerOf } from '../contracts/contract-validator.js';
import { MessageBus, type PublishOptions } from '../publishing/message-bus.js';
import { sqlOf, type OutboxTransaction } from './adapters/transaction-handle.js';
import type { OutboxModuleOptions } from './outbox.options.js';
import { outboxQueries, type OutboxQueries } from './outbox.queries.js';
import { outboxTables, type OutboxTables } from './outbox.schema.js';
import { OUTBOX_OPTIONS } from './outbox.tokens.js';

/** What a write into the outbox returns: the event's id (its message id and default idempotency key). */
export interface OutboxReceipt {
  readonly id: string;
}

/**
 * Inserts events into the outbox inside the caller's transaction. The message is built by the
 * bus exactly as a direct publish would build it (event metadata headers, and the correlation
 * id and trace context of the caller's scope), so the relay later sends the same message.
 */
@Injectable()
export class OutboxWriter {
  readonly tables: OutboxTables;
  private readonly queries: OutboxQueries;

  constructor(
    private readonly bus: MessageBus,
    private readonly registry: TransportRegistry,
    @Inject(OUTBOX_OPTIONS) options: OutboxModuleOptions,
  ) {
    this.tables = outboxTables(options.schema);
    this.queries = outboxQueries(this.tables);
  }

  /** Validates the payload against the contract (nothing is written if it is invalid), then inserts it. */
  async write(tx: OutboxTransaction, target: ContractMetadata | string, payload: unknown, options: PublishOptions = {}): Promise<OutboxReceipt> {
    const contract = typeof target === 'string' ? undefined : target;
    const topic = contract?.name ?? (target as string);
    // The contract's one cached checker, the one the bus uses (the verdict of the consume side's validator).
    if (contract) await checkerOf(contract)(payload);
    if (options.transport && !this.registry.has(options.transport)) {
      throw new ConfigurationError(`nestream outbox: unknown transport '${options.transport}' for ${topic}; configured: ${this.registry.names.join(', ')}`);
    }
    const id = options.messageId ?? randomUUID();
    // The outbox id is the idempotency key unless the caller chose one: a relay's re-send is a duplicate.
    const { transport, message } = this.bus.prepare(topic, payload, { ...options, messageId: id, idempotencyKey: options.idempotencyKey ?? id }, contract);
    const sql = sqlOf(tx);
    if (message.key) await sql.query(this.queries.lockKeyAndNotify, [message.key, this.tables.channel]);
    else await sql.query(this.queries.notify, [this.tables.channel]);
    await sql.query(this.queries.insert, [
      id,
      transport,
      message.topic,
      message.key ?? null,
      JSON.stringify(message.headers),
      message.body,
      message.options ? JSON.stringify(message.options) : null,
    ]);
    return { id };
  }
}
