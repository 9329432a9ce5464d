import { Injectable } from '@nestjs/common';
import { EVENT_CONTRACT_METADATA, INTERCEPTORS_METADATA, PUBLISHER_METADATA, SUBSCRIBER_METADATA } from '../config/constants.js';
import { ConfigurationError } from '../core/errors.js';
import type { MessageInterceptor } from '../core/interceptor.js';
import type { ContractClass, ContractMetadata } from '../core/contract.js';
import type { PublisherMetadata } from './publisher.decorator.js';
import type { SubscriberMetadata } from './subscriber.decorator.js';

/** The only place that reads nestream's reflection metadata. */
@Injectable()
export class NestreamMetadataAccessor {
  getSubscribers(method: object): SubscriberMetadata[] {
    return (Reflect.getMetadata(SUBSCRIBER_METADATA, method) as SubscriberMetadata[] | undefined) ?? [];
  }

  getPublishers(method: object): PublisherMetadata[] {
    return (Reflect.getMetadata(PUBLISHER_METADATA, method) as PublisherMetadata[] | undefined) ?? [];
  }

  getInterceptors(method: object): MessageInterceptor[] {
    return (Reflect.getMetadata(INTERCEPTORS_METADATA, method) as MessageInterceptor[] | undefined) ?? [];
  }

  getContract(target: ContractClass): ContractMetadata | undefined {
    return readContract(target);
  }
}

function readContract(target: ContractClass): ContractMetadata | undefined {
  return Reflect.getMetadata(EVENT_CONTRACT_METADATA, target) as ContractMetadata | undefined;
}

/** The `@EventContract` of a class, or a ConfigurationError naming who used the bare class. */
export function contractOf(target: ContractClass, usedBy: string): ContractMetadata {
  const metadata = readContract(target);
  if (!metadata) {
    throw new ConfigurationError(`${usedBy}: class ${target.name} is used as an event contract but has no @EventContract(name) decorator`);
  }
  return metadata;
}
