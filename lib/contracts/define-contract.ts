import { SetMetadata } from '@nestjs/common';
import { EVENT_CONTRACT_METADATA } from '../config/constants.js';
import type { ContractClass, ContractMetadata } from '../core/contract.js';
import { ConfigurationError } from '../core/errors.js';
import { isStandardSchema, type StandardSchemaV1 } from '../core/standard-schema.js';
import { EventContract, type EventContractOptions } from '../decorators/event-contract.decorator.js';
import { contractOf } from '../decorators/metadata-accessor.js';

/**
 * An event contract described by a Standard Schema (zod 4, valibot, arktype...) instead of a
 * class with class-validator decorators. It is a class, so it goes wherever a contract class
 * goes: `@Subscriber`, `@Publisher`, `@InjectPublisher`, `forFeature`, `MessageBus.publish`.
 */
export interface SchemaContract<S extends StandardSchemaV1 = StandardSchemaV1> extends ContractClass<StandardSchemaV1.InferOutput<S>> {
  /** The schema every payload of this event is validated with, on publish and on consume. */
  readonly schema: S;
}

/**
 * Defines the contract of one event type from a Standard Schema v1 validator:
 *
 * ```ts
 * export const OrderPlaced = defineContract('order.placed', z.strictObject({ orderId: z.uuid() }), { version: 'v1' });
 * export type OrderPlaced = EventOf<typeof OrderPlaced>;
 * ```
 *
 * Handlers receive the schema's output; publishers send the payload they were given, once the
 * schema accepts it. What an unknown key does is the schema's choice (zod's `z.object` drops
 * it, `z.strictObject` rejects it).
 */
export function defineContract<S extends StandardSchemaV1>(name: string, schema: S, options: EventContractOptions = {}): SchemaContract<S> {
  if (!isStandardSchema(schema)) {
    throw new ConfigurationError(`defineContract('${name}'): the schema is not a Standard Schema v1 validator (it needs '~standard' with version 1 and validate)`);
  }
  // Named after the event, for logs and errors that name the contract class.
  const contract = { [name]: class {} }[name]!;
  Object.defineProperty(contract, 'schema', { value: schema, enumerable: true });
  EventContract(name, options)(contract);
  const metadata: ContractMetadata = { ...contractOf(contract, `defineContract('${name}')`), schema };
  SetMetadata(EVENT_CONTRACT_METADATA, metadata)(contract);
  return contract as unknown as SchemaContract<S>;
}

/** The event a handler receives for a contract: the schema's output, or the contract class's instance. */
export type EventOf<C> = C extends { readonly schema: infer S extends StandardSchemaV1 }
  ? StandardSchemaV1.InferOutput<S>
  : C extends ContractClass<infer T>
    ? T
    : never;

/** What a publisher of a contract accepts: the schema's input, or the contract class's instance type. */
export type EventInputOf<C> = C extends { readonly schema: infer S extends StandardSchemaV1 }
  ? StandardSchemaV1.InferInput<S>
  : C extends ContractClass<infer T>
    ? T
    : never;
