// Raw kafkajs: an idempotent producer (acks all, as nestream's) sending the publishes of one
// tick as one request, as a careful kafkajs user does; a consumer group reading with eachMessage
// and kafkajs' own offset commits after each handled batch.
import { Kafka, logLevel, type Message, type Producer } from 'kafkajs';
import type { OrderCreatedEvent } from '../../workload.js';
import { endpoints } from '../../../test/brokers/endpoints.js';
import { createKafkaTopic, deleteKafkaTopics, KAFKA_PARTITIONS } from '../cleanup.js';
import type { Scenario, ScenarioFactory } from '../scenario.js';

/** Collects the messages published in one tick and sends them in one request. */
function tickBatcher(producer: Producer, topic: string): (message: Message) => Promise<void> {
  let batch: Message[] = [];
  let sent: Promise<void> | undefined;
  return (message) => {
    batch.push(message);
    return (sent ??= new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      const messages = batch;
      batch = [];
      sent = undefined;
      await producer.send({ topic, messages, acks: -1 });
    }));
  };
}

const createScenario: ScenarioFactory = async (ctx) => {
  await createKafkaTopic(ctx.topic);
  const kafka = new Kafka({ brokers: endpoints.kafkaBrokers(), clientId: 'raw-bench', logLevel: logLevel.WARN });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: ctx.group });
  await Promise.all([producer.connect(), consumer.connect()]);
  const send = tickBatcher(producer, ctx.topic);
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
