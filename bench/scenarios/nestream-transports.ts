// How the nestream scenario builds each broker's transport and subscriber options: the
// documented defaults, plus only what the workload needs (topics that clean themselves up).
import { MemoryTransport, type Transport } from '../../lib/index.js';
import { KafkaTransport } from '../../lib/transports/kafka/index.js';
import { NatsTransport } from '../../lib/transports/nats/index.js';
import { RabbitTransport } from '../../lib/transports/rabbitmq/index.js';
import { RedisTransport } from '../../lib/transports/redis/index.js';
import { endpoints } from '../../test/brokers/endpoints.js';
import type { BrokerName } from './scenario.js';
import { KAFKA_PARTITIONS, QUEUE_EXPIRES_MS, STREAM_MAX_AGE_MS } from './cleanup.js';

export function nestreamTransport(broker: BrokerName): Transport {
  switch (broker) {
    case 'memory':
      return new MemoryTransport();
    case 'nats':
      return new NatsTransport({ servers: endpoints.natsUrl(), name: 'nestream-bench' });
    case 'jetstream':
      return new NatsTransport({ servers: endpoints.natsUrl(), name: 'nestream-bench', jetstream: { streamDefaults: { maxAgeMs: STREAM_MAX_AGE_MS } } });
    case 'rabbitmq':
      return new RabbitTransport({ url: endpoints.amqpUrl(), connectionName: 'nestream-bench' });
    case 'redis-streams':
      return new RedisTransport({ url: endpoints.redisUrl(), mode: 'streams' });
    case 'redis-pubsub':
      return new RedisTransport({ url: endpoints.redisUrl(), mode: 'pubsub' });
    case 'kafka':
      return new KafkaTransport({ library: 'kafkajs', brokers: endpoints.kafkaBrokers(), clientId: 'nestream-bench', topics: { numPartitions: KAFKA_PARTITIONS } });
    case 'kafka-platformatic':
      return new KafkaTransport({ brokers: endpoints.kafkaBrokers(), clientId: 'nestream-bench', topics: { numPartitions: KAFKA_PARTITIONS } });
  }
}

/**
 * RabbitMQ's prefetch is set to the consumer concurrency, as raw and nest get it (nestream's own
 * default is twice that: the bench keeps prefetch alike for every implementation).
 */
export function nestreamSubscriberOptions(broker: BrokerName, concurrency: number): Record<string, unknown> {
  if (broker === 'kafka' || broker === 'kafka-platformatic') return { fromBeginning: true };
  if (broker === 'rabbitmq') return { queueArguments: { 'x-expires': QUEUE_EXPIRES_MS }, prefetch: concurrency };
  return {};
}
