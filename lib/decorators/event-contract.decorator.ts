import { SetMetadata } from '@nestjs/common';
import { EVENT_CONTRACT_METADATA } from '../constants.js';

export interface EventContractOptions {
  /** Stamped as `x-event-version`. */
  version?: string;
}

export interface ContractMetadata {
  /** Event type; also the topic / subject / routing key. */
  readonly name: string;
  readonly version?: string;
  readonly target: new (...args: never[]) => object;
}

export type ContractClass<T = object> = new (...args: never[]) => T;

/** Marks a class (with class-validator decorators) as the contract of one event type. */
export function EventContract(name: string, options: EventContractOptions = {}): ClassDecorator {
  return (target) => {
    const metadata: ContractMetadata = { name, version: options.version, target: target as unknown as ContractMetadata['target'] };
    SetMetadata(EVENT_CONTRACT_METADATA, metadata)(target);
  };
}
