/**
 * Where the tests find each broker: the env var when set (an existing broker), else the one
 * `test/brokers/up` starts on loopback.
 */
export const endpoints = {
  kafkaBrokers: (): string[] => (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()),
  natsUrl: (): string => process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  amqpUrl: (): string => process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  redisUrl: (): string => process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
};

/** A loopback port nothing listens on, for "broker unreachable" cases. */
export const UNREACHABLE_PORT = 1;
