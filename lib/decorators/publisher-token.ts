import type { ContractClass } from '../core/contract.js';
import { contractOf } from './metadata-accessor.js';

/**
 * The injection token of the typed publisher for a contract class or topic. A versioned
 * contract's token names its version, so v1 and v2 of one event each have a publisher.
 */
export function getPublisherToken(target: ContractClass | string): string {
  if (typeof target === 'string') return `nestream:publisher:${target}`;
  const { name, version } = contractOf(target, 'getPublisherToken');
  return version ? `nestream:publisher:${name}@${version}` : `nestream:publisher:${name}`;
}
