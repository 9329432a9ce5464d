// Module
export { NestreamModule, NestreamFeatureModule, type FeatureEntry } from './module/nestream.module.js';
export { NESTREAM_OPTIONS } from './config/nestream.module-definition.js';
export type {
  NestreamModuleOptions,
  RetryOptions,
  BackoffOptions,
  DeadLetterOptions,
  AckPolicy,
  IdempotencyOptions,
  MetricsOptions,
  MetricsRegistry,
  TracingOptions,
  TracerProviderLike,
  LoggingOptions,
} from './config/nestream-options.js';

// Decorators
export { Subscriber, type SubscriberOptions } from './decorators/subscriber.decorator.js';
export { Publisher, type PublisherOptions } from './decorators/publisher.decorator.js';
export { EventContract, type EventContractOptions } from './decorators/event-contract.decorator.js';
export type { ContractClass, ContractMetadata } from './core/contract.js';
export { defineContract, type SchemaContract, type EventOf, type EventInputOf } from './contracts/define-contract.js';
export type { StandardSchemaV1 } from './core/standard-schema.js';
export { upcast, downcast } from './contracts/version-casts.js';
export type { VersionCast } from './core/contract-version.js';
export { assertCompatible, IncompatibleContractError, type CompatibilityOptions } from './contracts/assert-compatible.js';
export { InjectPublisher } from './decorators/inject-publisher.decorator.js';
export { UseMessageInterceptors } from './decorators/use-message-interceptors.decorator.js';

// Publishing
export { MessageBus, type PublishOptions, type RequestOptions } from './publishing/message-bus.js';
export { EventPublisher } from './publishing/event-publisher.js';
export type { PublisherOf } from './publishing/publisher-of.js';
export { getPublisherToken } from './decorators/publisher-token.js';

// Message model and context
export { MessageContext, type MessageContextInit } from './core/message-context.js';
export type { InboundMessage, OutboundMessage, Delivery, NackOptions } from './core/message.js';
export type { EventMetadata } from './core/event-metadata.js';
export { Headers, DeadLetterHeaders, ReplayHeaders, ReplyHeaders, ContentTypes, type MessageHeaders } from './core/headers.js';
export { CorrelationScope } from './core/correlation.js';
export { PublishValidationFilter, publishValidationResponse, type PublishValidationResponse } from './publishing/publish-validation.filter.js';
export type { MessageInterceptor, ConsumeNext, PublishNext, PublishInfo } from './core/interceptor.js';
export type { IdempotencyStore, TransactionalOutcome } from './core/idempotency-store.js';
export { MemoryIdempotencyStore } from './interceptors/memory-idempotency-store.js';
export {
  NestreamError,
  ConfigurationError,
  NonRetryableError,
  MessageValidationError,
  BadMessageError,
  AckMessage,
  NackMessage,
  RejectMessage,
  RequestTimeoutError,
  RemoteHandlerError,
  type ValidationIssue,
  type BadMessageReason,
} from './core/errors.js';

// Transports
export type { Transport, TransportCapabilities, TransportHealth, SubscribeRequest, Subscription, DeliveryHandler } from './core/transport.js';
export { MemoryTransport, type MemoryTransportOptions } from './transports/memory/memory.transport.js';
export { TransportRegistry } from './config/transport-registry.js';
export { NestreamRegistrar } from './discovery/nestream.registrar.js';

// Dead letters in operation: list, peek, replay (docs/dead-letters.md)
export * from './dead-letters/index.js';
export type { BrowsedMessage, BrowsedMessages } from './core/browse.js';

// Observability (metrics, tracing, health; the terminus indicator is in 'nestream/health')
export type { LogFields } from './core/log-fields.js';
export { NestreamHealth, type NestreamHealthReport, type TransportHealthReport } from './health/nestream-health.js';
export { NestreamMetricsModule, type NestreamMetricsModuleOptions } from './observability/nestream-metrics.module.js';
export { NestreamMetrics } from './observability/nestream-metrics.js';
export { NESTREAM_TELEMETRY, NestreamTelemetry } from './observability/nestream-telemetry.js';
export type { MessageOutcome } from './observability/message-outcome.js';
export { MessagingAttributes } from './observability/messaging-attributes.js';
export { redactUrl, redactSecrets, redactOptions } from './core/redact.js';

// HTTP
export { CorrelationIdMiddleware, HTTP_CORRELATION_HEADER } from './observability/correlation-id.middleware.js';

// AsyncAPI document (the page's bundle, @asyncapi/react-component, is an optional peer read from node_modules)
export { NestreamAsyncApi } from './asyncapi/nestream-asyncapi.js';
export type { AsyncApiOptions, AsyncApiServerOptions } from './asyncapi/asyncapi-options.js';
export type { AsyncApiDocument } from './asyncapi/asyncapi-document.js';
export { NestreamDiscoveryOnlyModule } from './asyncapi/discovery-only.module.js';
export { NESTREAM_DISCOVERY_ONLY } from './config/discovery-only.js';
