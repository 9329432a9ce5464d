import type { StandardSchemaV1 } from './standard-schema.js';

/** A class used as an event contract (its instances are the events). */
export type ContractClass<T = object> = new (...args: never[]) => T;

/** What `@EventContract` records about a class: the event's type (its topic) and version. */
export interface ContractMetadata {
  /** Event type; also the topic / subject / routing key. */
  readonly name: string;
  readonly version?: string;
  /** What the event means; shown in the AsyncAPI document. */
  readonly description?: string;
  readonly target: ContractClass;
  /** Set by `defineContract`: this schema validates the event instead of the class's decorators. */
  readonly schema?: StandardSchemaV1;
}
