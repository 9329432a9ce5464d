import type { INestApplicationContext } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { ContractMetadata } from '../core/contract.js';
import type { TransportCapabilities } from '../core/transport.js';
import type { HandlerBinding } from '../config/handler-binding.js';
import { NESTREAM_OPTIONS } from '../config/nestream.module-definition.js';
import type { NestreamModuleOptions } from '../config/nestream-options.js';
import { TransportRegistry } from '../config/transport-registry.js';
import { EventPublisher } from '../publishing/event-publisher.js';
import { NestreamRegistrar } from '../discovery/nestream.registrar.js';

export interface DescribedTransport {
  readonly name: string;
  readonly kind: string;
  readonly capabilities: TransportCapabilities;
}

/** Something the app sends: a typed publisher from `forFeature`, or a handler's `@Publisher` result. */
export interface Publication {
  readonly topic: string;
  readonly transport: string;
  readonly contract?: ContractMetadata;
  /** The `Class.method` whose result is published; undefined for a typed publisher. */
  readonly handler?: string;
}

/**
 * Everything the AsyncAPI document says, read from a Nest app once its handlers are resolved.
 * A plain value, so the document builder needs no Nest app (and its tests none either).
 */
export interface AppDescription {
  readonly serviceName: string;
  readonly transports: readonly DescribedTransport[];
  readonly defaultTransport: string;
  readonly subscriptions: readonly HandlerBinding[];
  readonly publications: readonly Publication[];
}

/** Reads the app after module init (bindings are resolved then); connects nothing. */
export function describeApp(app: INestApplicationContext): AppDescription {
  const options = app.get<NestreamModuleOptions>(NESTREAM_OPTIONS, { strict: false });
  const registry = app.get(TransportRegistry, { strict: false });
  const subscriptions = app.get(NestreamRegistrar, { strict: false }).bindings;
  const transports = registry.names.map((name) => {
    const { kind, capabilities } = registry.get(name);
    return { name, kind, capabilities };
  });
  const results = subscriptions.flatMap((binding) => binding.publishTo.map((target) => ({ ...target, handler: binding.id })));
  return {
    serviceName: options.serviceName,
    transports,
    defaultTransport: registry.defaultName,
    subscriptions,
    publications: [...typedPublishers(app, registry.defaultName), ...unique(results)],
  };
}

/** The `EventPublisher`s that `NestreamModule.forFeature` provided, in any module. */
function typedPublishers(app: INestApplicationContext, defaultTransport: string): Publication[] {
  const publishers = app
    .get(DiscoveryService, { strict: false })
    .getProviders()
    .map((wrapper) => wrapper.instance as unknown)
    .filter((instance): instance is EventPublisher<unknown> => instance instanceof EventPublisher);
  return unique(publishers.map(({ topic, contract, transport }) => ({ topic, contract, transport: transport ?? defaultTransport })));
}

/** A handler with two subscriptions carries its `@Publisher` targets twice; forFeature may name a contract in several modules. */
function unique(publications: Publication[]): Publication[] {
  const byKey = new Map(publications.map((p) => [`${p.handler ?? ''}|${p.transport}|${p.topic}`, p]));
  return [...byKey.values()];
}
