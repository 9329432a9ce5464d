export { KafkaTransport } from './kafka.transport.js';
export { KafkaContext, type KafkaRawMessage } from './kafka.context.js';
export type {
  KafkaClientLibrary,
  KafkaPublishOptions,
  KafkaSubscribeOptions,
  KafkaTopicOptions,
  KafkaTransportOptions,
  KafkajsTransportOptions,
  PlatformaticTransportOptions,
} from './kafka.options.js';
