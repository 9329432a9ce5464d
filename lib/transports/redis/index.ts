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
export { RedisKeyHeader, StreamFields, type RedisWireFormat } from './redis.headers.js';
export { BINARY_ENVELOPE_MAGIC, BinaryEnvelopeLimitError, decodeBinaryEnvelope, encodeBinaryEnvelope } from './binary-envelope.js';
