import { KafkaTransport } from '../../../lib/transports/kafka/index.js';
import { endpoints, UNREACHABLE_PORT } from '../../brokers/endpoints.js';
import { unsettled } from '../../brokers/kafka-unsettled.js';
import type { ConformanceTarget } from '../target.js';

/** The Kafka target on kafkajs (`library: 'kafkajs'`); kafka-platformatic.ts runs the same cases on the default client. */
const target: ConformanceTarget = {
  name: 'kafka',
  brokers: ['kafka'],
  create: () =>
    new KafkaTransport({
      library: 'kafkajs',
      brokers: endpoints.kafkaBrokers(),
      clientId: 'nestream-conformance',
      topics: { numPartitions: 3 },
      // Default session timeout (30 s); a quicker heartbeat and rebalance keep group changes snappy.
      consumer: { heartbeatInterval: 1000, rebalanceTimeout: 20_000, maxWaitTimeInMs: 200 },
      commitIntervalMs: 50,
    }),
  createUnreachable: () =>
    new KafkaTransport({
      library: 'kafkajs',
      brokers: [`127.0.0.1:${UNREACHABLE_PORT}`],
      clientId: 'nestream-conformance-unreachable',
      client: { connectionTimeout: 500, retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 } },
      producer: { retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 } },
    }),
  // Each case uses a fresh group on a fresh topic; start at its beginning so nothing published
  // right after subscribe() is missed while the offsets reset.
  subscribeOptions: { fromBeginning: true },
  subscribeSettleMs: 500,
  deliveryTimeoutMs: 20_000,
  unsettled,
  // The consumers (group members) the transport runs: the reply topic's one, never one per request.
  replyResources: async (transport) => transport.health().subscriptions,
};

export default target;
