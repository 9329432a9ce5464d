// Raw kafkajs: an idempotent producer (acks all, as nestream's) sending the publishes of one
// tick as one request, as a careful kafkajs user does; a consumer group reading with eachMessage
// and kafkajs' own offset commits after each handled batch.
import { Kafka, logLevel, type Message } from 'kafkajs';
import type { OrderCreatedEvent } from '../../workload.js';
import { endpoints } from '../../../test/brokers/endpoints.js';
import { createKafkaTopic, deleteKafkaTopics, KAFKA_PARTITIONS } from '../cleanup.js';
import type { Scenario, ScenarioFactory } from '../scenario.js';
import { tickBatcher } from './tick-batcher.js';

const createScenario: ScenarioFactory = async (ctx) => {
  await createKafkaTopic(ctx.topic);
  const kafka = new Kafka({ brokers: endpoints.kafkaBrokers(), clientId: 'raw-bench', logLevel: logLevel.WARN });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: ctx.group });
  await Promise.all([producer.connect(), consumer.connect()]);
  const send = tickBatcher<Message>((messages) => producer.send({ topic: ctx.topic, messages, acks: -1 }).then(() => undefined));
  const scenario: Scenario = {
    async start(onEvent) {
      await consumer.subscribe({ topic: ctx.topic, fromBeginning: true });
      await consumer.run({
        partitionsConsumedConcurrently: KAFKA_PARTITIONS,
        eachMessage: async ({ message }) => onEvent(JSON.parse(message.value!.toString('utf8')) as OrderCreatedEvent),
      });
    },
    publish: (event) => send({ value: Buffer.from(JSON.stringify(event), 'utf8') }),
    async stop() {
      await consumer.disconnect();
      await producer.disconnect();
      await deleteKafkaTopics([ctx.topic]);
    },
  };
  return scenario;
};

export default createScenario;
