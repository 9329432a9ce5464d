// Nest's Kafka transport: a server consumer group (kafkajs autocommit after each handled batch,
// Nest's default) and a producer-only ClientKafka whose emit() resolves on the broker's ack.
import { Transport } from '@nestjs/microservices';
import { endpoints } from '../../../test/brokers/endpoints.js';
import { createKafkaTopic, deleteKafkaTopics, KAFKA_PARTITIONS } from '../cleanup.js';
import type { ScenarioFactory } from '../scenario.js';
import { nestScenario } from './microservice.js';

const createScenario: ScenarioFactory = async (ctx) => {
  await createKafkaTopic(ctx.topic);
  const client = { brokers: endpoints.kafkaBrokers(), clientId: 'nest-bench' };
  return nestScenario(ctx, {
    server: {
      transport: Transport.KAFKA,
      options: {
        client,
        consumer: { groupId: ctx.group },
        subscribe: { fromBeginning: true },
        run: { partitionsConsumedConcurrently: KAFKA_PARTITIONS },
      },
    },
    client: {
      transport: Transport.KAFKA,
      // Nest's producer defaults (kafkajs: acks all, not idempotent, requests in parallel): one
      // request per emit() would crawl with nestream's idempotent one-request-in-flight setting.
      options: { client, producerOnlyMode: true },
    },
    cleanup: () => deleteKafkaTopics([ctx.topic]),
  });
};

export default createScenario;
