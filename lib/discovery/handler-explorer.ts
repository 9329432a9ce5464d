import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { ConfigurationError } from '../core/errors.js';
import type { MessageInterceptor } from '../core/interceptor.js';
import type { PublisherMetadata } from '../decorators/publisher.decorator.js';
import type { SubscriberMetadata } from '../decorators/subscriber.decorator.js';
import { NestreamMetadataAccessor } from '../decorators/metadata-accessor.js';

type InstanceWrapper = ReturnType<DiscoveryService['getProviders']>[number];

export interface DiscoveredHandler {
  readonly instance: object;
  readonly className: string;
  readonly methodName: string;
  readonly subscribers: SubscriberMetadata[];
  readonly publishers: PublisherMetadata[];
  readonly interceptors: MessageInterceptor[];
}

/** Finds every controller or provider method decorated with @Subscriber, once, at bootstrap. */
@Injectable()
export class HandlerExplorer {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly accessor: NestreamMetadataAccessor,
  ) {}

  explore(): DiscoveredHandler[] {
    const wrappers = [...this.discovery.getControllers(), ...this.discovery.getProviders()];
    return wrappers.flatMap((wrapper) => this.handlersOf(wrapper));
  }

  private handlersOf(wrapper: InstanceWrapper): DiscoveredHandler[] {
    const { instance } = wrapper;
    if (!instance || typeof instance !== 'object') return this.rejectIfScoped(wrapper);
    const prototype = Object.getPrototypeOf(instance) as object;
    const className = (instance.constructor as { name: string }).name;
    const handlers: DiscoveredHandler[] = [];
    for (const methodName of this.scanner.getAllMethodNames(prototype)) {
      const method = (prototype as Record<string, unknown>)[methodName] as object;
      const subscribers = this.accessor.getSubscribers(method);
      if (subscribers.length === 0) continue;
      if (!wrapper.isDependencyTreeStatic()) {
        throw new ConfigurationError(`${className}.${methodName}: @Subscriber cannot be used on a request-scoped or transient provider`);
      }
      handlers.push({
        instance,
        className,
        methodName,
        subscribers,
        publishers: this.accessor.getPublishers(method),
        interceptors: this.accessor.getInterceptors(method),
      });
    }
    return handlers;
  }

  /** Request-scoped providers have no static instance; their subscribers would silently never bind. */
  private rejectIfScoped(wrapper: InstanceWrapper): never[] {
    const metatype = wrapper.metatype as { prototype?: object; name?: string } | undefined;
    if (wrapper.isDependencyTreeStatic() || !metatype?.prototype) return [];
    for (const methodName of this.scanner.getAllMethodNames(metatype.prototype)) {
      const method = (metatype.prototype as Record<string, unknown>)[methodName] as object;
      if (this.accessor.getSubscribers(method).length > 0) {
        throw new ConfigurationError(`${metatype.name}.${methodName}: @Subscriber cannot be used on a request-scoped or transient provider`);
      }
    }
    return [];
  }
}
