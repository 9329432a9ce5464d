export { KafkaTransport } from './kafka.transport.js';
export { KafkaContext, type KafkaRawMessage } from './kafka.context.js';
export type {
  KafkaPublishOptions,
  KafkaSubscribeOptions,
  KafkaTopicOptions,
  KafkaTransportOptions,
} from './kafka.options.js';
