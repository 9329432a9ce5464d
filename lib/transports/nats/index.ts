export { NatsTransport } from './nats.transport.js';
export { NatsContext } from './nats.context.js';
export { NatsKeyHeader } from './nats.headers.js';
export type {
  ConsumerDeliverPolicy,
  NatsCoreSubscriberOptions,
  NatsJetStreamConsumerOptions,
  NatsJetStreamOptions,
  NatsJetStreamSubscriberOptions,
  NatsPublishOptions,
  NatsStreamDefinition,
  NatsStreamSettings,
  NatsSubscriberOptions,
  NatsTransportOptions,
  StreamRetention,
  StreamStorage,
} from './nats.options.js';
