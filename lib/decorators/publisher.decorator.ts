import { PUBLISHER_METADATA } from '../config/constants.js';
import { appendMetadata } from './append-metadata.js';
import type { ContractClass } from '../core/contract.js';

export interface PublisherOptions {
  /** Name of a configured transport. Default: the first one. */
  transport?: string;
}

export interface PublisherMetadata {
  readonly target: string | ContractClass;
  readonly options: PublisherOptions;
}

/**
 * Publishes the method's return value (`undefined` publishes nothing). Stackable: one result,
 * several destinations. With a contract class the result is validated before it is sent.
 */
export function Publisher(target: string | ContractClass, options: PublisherOptions = {}): MethodDecorator {
  return (_prototype, _method, descriptor) => {
    appendMetadata<PublisherMetadata>(PUBLISHER_METADATA, { target, options }, descriptor.value as object);
    return descriptor;
  };
}
