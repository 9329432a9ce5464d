import { KafkaTransport } from '../../lib/transports/kafka/index.js';
import { endpoints } from '../brokers/endpoints.js';
import { describeDeadLetterReplay } from './replay.scenario.js';

describeDeadLetterReplay({
  broker: 'kafka',
  transport: () => new KafkaTransport({ brokers: endpoints.kafkaBrokers(), clientId: 'nestream-dlq-spec', topics: { numPartitions: 2 } }),
  subscriberOptions: { fromBeginning: true },
  waitMs: 90_000,
});
