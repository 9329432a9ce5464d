import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import kafkajs from 'kafkajs';
import type { Transport } from '../../lib/index.js';
import { KafkaTransport } from '../../lib/transports/kafka/index.js';
import { NatsTransport } from '../../lib/transports/nats/index.js';
import { RabbitTransport } from '../../lib/transports/rabbitmq/index.js';
import { RedisTransport } from '../../lib/transports/redis/index.js';
import { endpoints } from '../brokers/endpoints.js';
import { BrokerAdmin } from '../brokers/rabbitmq-helpers.js';

/** One broker both sides share; `name` is also python/brokers.py's name for it. */
export interface InteropTarget {
  readonly name: 'kafka' | 'nats' | 'jetstream' | 'rabbitmq' | 'redis-streams' | 'redis-pubsub';
  /** Where the FastStream peer connects. */
  readonly peerUrl: () => string;
  /** nestream's transport, with its defaults (the interop is with out-of-the-box settings). */
  readonly transport: () => Transport;
  /** nestream subscriber options for a fresh topic (start at its beginning where that applies). */
  readonly subscriberOptions: Record<string, unknown>;
  /** Before either side starts: what neither creates by itself (Kafka topics, for aiokafka's metadata). */
  readonly prepare?: (topics: readonly string[]) => Promise<void>;
  /** After both stopped: what the run left on the broker. */
  readonly cleanup?: (prefix: string, topics: readonly string[]) => Promise<void>;
}

const kafkaAdmin = () => new kafkajs.Kafka({ clientId: 'nestream-interop', brokers: endpoints.kafkaBrokers(), logLevel: kafkajs.logLevel.NOTHING }).admin();

export const interopTargets: Record<InteropTarget['name'], InteropTarget> = {
  kafka: {
    name: 'kafka',
    peerUrl: () => endpoints.kafkaBrokers().join(','),
    transport: () => new KafkaTransport({ library: 'kafkajs', brokers: endpoints.kafkaBrokers(), clientId: 'nestream-interop', consumer: { heartbeatInterval: 1000, maxWaitTimeInMs: 100 } }),
    subscriberOptions: { fromBeginning: true },
    prepare: async (topics) => {
      const admin = kafkaAdmin();
      await admin.connect();
      try {
        await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions: 1 })) });
      } finally {
        await admin.disconnect();
      }
    },
    cleanup: async (_prefix, topics) => {
      const admin = kafkaAdmin();
      await admin.connect();
      try {
        await admin.deleteTopics({ topics: [...topics] });
      } finally {
        await admin.disconnect();
      }
    },
  },
  nats: {
    name: 'nats',
    peerUrl: endpoints.natsUrl,
    transport: () => new NatsTransport({ servers: endpoints.natsUrl() }),
    subscriberOptions: {},
  },
  jetstream: {
    name: 'jetstream',
    peerUrl: endpoints.natsUrl,
    // FastStream declares the run's stream (python/brokers.py); nestream finds it, as it finds any stream capturing a topic.
    transport: () => new NatsTransport({ servers: endpoints.natsUrl(), jetstream: true }),
    subscriberOptions: {},
    cleanup: async (prefix) => {
      const nc = await connect({ servers: endpoints.natsUrl() });
      try {
        await (await jetstreamManager(nc)).streams.delete(prefix.replace(/\./g, '_'));
      } finally {
        await nc.close();
      }
    },
  },
  rabbitmq: {
    name: 'rabbitmq',
    peerUrl: endpoints.amqpUrl,
    transport: () => new RabbitTransport({ url: endpoints.amqpUrl(), connectionName: 'nestream-interop' }),
    subscriberOptions: {},
    // nestream's group queues are durable (FastStream's here are auto-delete).
    cleanup: async (prefix, topics) => {
      const admin = await BrokerAdmin.connect(endpoints.amqpUrl());
      try {
        for (const topic of topics) await admin.deleteQueue(`${prefix}.ns.${topic}`);
      } finally {
        await admin.close();
      }
    },
  },
  'redis-streams': {
    name: 'redis-streams',
    peerUrl: endpoints.redisUrl,
    transport: () => new RedisTransport({ url: endpoints.redisUrl(), mode: 'streams', blockMs: 200 }),
    subscriberOptions: { startFrom: '0' },
    cleanup: async (_prefix, topics) => {
      const { Redis } = await import('ioredis');
      const redis = new Redis(endpoints.redisUrl());
      try {
        await redis.del(...topics);
      } finally {
        redis.disconnect();
      }
    },
  },
  'redis-pubsub': {
    name: 'redis-pubsub',
    peerUrl: endpoints.redisUrl,
    transport: () => new RedisTransport({ url: endpoints.redisUrl(), mode: 'pubsub' }),
    subscriberOptions: {},
  },
};
