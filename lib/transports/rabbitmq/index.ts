export { RabbitTransport } from './rabbit.transport.js';
export { RabbitContext } from './rabbit.context.js';
export { RabbitTopologyError, retryDelayBucket, retryQueueName } from './rabbit.topology.js';
export { RabbitUnroutableError } from './rabbit.publisher.js';
export { RabbitInternalHeaders } from './rabbit.headers.js';
export type {
  RabbitBinding,
  RabbitExchangeOptions,
  RabbitExchangeType,
  RabbitPublishOptions,
  RabbitQueueOptions,
  RabbitReconnectOptions,
  RabbitSubscribeOptions,
  RabbitTransportOptions,
} from './rabbit.options.js';
