import { SetMetadata } from '@nestjs/common';
import { EVENT_CONTRACT_METADATA } from '../config/constants.js';
import type { ContractMetadata } from '../core/contract.js';

export interface EventContractOptions {
  /** Stamped as `x-event-version`. */
  version?: string;
  /** What the event means, for readers of the AsyncAPI document (CommonMark). */
  description?: string;
}

/** Marks a class (with class-validator decorators) as the contract of one event type. */
export function EventContract(name: string, options: EventContractOptions = {}): ClassDecorator {
  return (target) => {
    const metadata: ContractMetadata = {
      name,
      version: options.version,
      description: options.description,
      target: target as unknown as ContractMetadata['target'],
    };
    SetMetadata(EVENT_CONTRACT_METADATA, metadata)(target);
  };
}
