export { RedisTransport } from './redis.transport.js';
export { RedisContext, type RedisPubSubMessage, type RedisStreamEntry } from './redis.context.js';
export { RedisIdempotencyStore, type RedisIdempotencyStoreOptions } from './redis-idempotency-store.js';
export type {
  RedisConnectionOptions,
  RedisPublishOptions,
  RedisPubSubSubscribeOptions,
  RedisStreamSubscribeOptions,
  RedisSubscribeOptions,
  RedisTransportMode,
  RedisTransportOptions,
} from './redis.options.js';
export { StreamFields } from './redis.headers.js';
