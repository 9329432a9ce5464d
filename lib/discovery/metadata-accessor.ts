import { Injectable } from '@nestjs/common';
import { EVENT_CONTRACT_METADATA, INTERCEPTORS_METADATA, PUBLISHER_METADATA, SUBSCRIBER_METADATA } from '../constants.js';
import type { MessageInterceptor } from '../core/interceptor.js';
import type { ContractClass, ContractMetadata } from '../decorators/event-contract.decorator.js';
import type { PublisherMetadata } from '../decorators/publisher.decorator.js';
import type { SubscriberMetadata } from '../decorators/subscriber.decorator.js';

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
    return Reflect.getMetadata(EVENT_CONTRACT_METADATA, target) as ContractMetadata | undefined;
  }
}
