export { RabbitTransport } from './rabbit.transport.js';
export { RabbitContext } from './rabbit.context.js';
export { RabbitTopologyError, RabbitUnroutableError } from './errors.js';
export { RabbitInternalHeaders } from './rabbit-properties.js';
export { retryDelayBucket, retryQueueName } from './retry-queues.js';
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
