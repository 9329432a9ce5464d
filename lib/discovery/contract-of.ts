import { EVENT_CONTRACT_METADATA } from '../constants.js';
import { ConfigurationError } from '../core/errors.js';
import type { ContractClass, ContractMetadata } from '../decorators/event-contract.decorator.js';

/** The `@EventContract` of a class, or a ConfigurationError naming who used the bare class. */
export function contractOf(target: ContractClass, usedBy: string): ContractMetadata {
  const metadata = Reflect.getMetadata(EVENT_CONTRACT_METADATA, target) as ContractMetadata | undefined;
  if (!metadata) {
    throw new ConfigurationError(`${usedBy}: class ${target.name} is used as an event contract but has no @EventContract(name) decorator`);
  }
  return metadata;
}
