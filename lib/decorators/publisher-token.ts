import type { ContractClass } from '../core/contract.js';
import { contractOf } from './metadata-accessor.js';

/** The injection token of the typed publisher for a contract class or topic. */
export function getPublisherToken(target: ContractClass | string): string {
  const name = typeof target === 'string' ? target : contractOf(target, 'getPublisherToken').name;
  return `nestream:publisher:${name}`;
}
