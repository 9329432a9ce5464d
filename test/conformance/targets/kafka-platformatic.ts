import { KafkaTransport } from '../../../lib/transports/kafka/index.js';
import { unsettled } from '../../brokers/kafka-unsettled.js';
import { endpoints, UNREACHABLE_PORT } from '../../brokers/endpoints.js';
import type { ConformanceTarget } from '../target.js';

/** The Kafka target on the default client, `@platformatic/kafka` (no `library`): the same cases as kafka.ts, the same broker. */
const target: ConformanceTarget = {
  name: 'kafka-platformatic',
  brokers: ['kafka'],
  create: () =>
    new KafkaTransport({
      brokers: endpoints.kafkaBrokers(),
      clientId: 'nestream-conformance',
      topics: { numPartitions: 3 },
      // A quicker heartbeat and rebalance keep group changes snappy (its rebalance timeout may not be below the session timeout).
      consumer: { sessionTimeout: 20_000, heartbeatInterval: 1000, rebalanceTimeout: 20_000, maxWaitTime: 200 },
      commitIntervalMs: 50,
    }),
  createUnreachable: () =>
    new KafkaTransport({
      brokers: [`127.0.0.1:${UNREACHABLE_PORT}`],
      clientId: 'nestream-conformance-unreachable',
      client: { connectTimeout: 500, retries: 2, retryDelay: 100 },
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
