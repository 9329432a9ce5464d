// Raw @platformatic/kafka: an idempotent producer (acks all, as nestream's) sending the
// publishes of one tick as one request, and a consumer group reading one stream over every
// partition with the client's own autocommit (its default), each message handled as it comes.
import { Consumer, Producer, stringDeserializers, type MessagesStream } from '@platformatic/kafka';
import type { OrderCreatedEvent } from '../../workload.js';
import { endpoints } from '../../../test/brokers/endpoints.js';
import { createKafkaTopic, deleteKafkaTopics } from '../cleanup.js';
import type { Scenario, ScenarioFactory } from '../scenario.js';
import { tickBatcher } from './tick-batcher.js';

type Outgoing = { topic: string; value: Buffer };

const createScenario: ScenarioFactory = async (ctx) => {
  await createKafkaTopic(ctx.topic);
  const bootstrapBrokers = endpoints.kafkaBrokers();
  const producer = new Producer<Buffer, Buffer, Buffer, Buffer>({ clientId: 'raw-bench', bootstrapBrokers, idempotent: true, acks: -1 });
  const consumer = new Consumer({ clientId: 'raw-bench', groupId: ctx.group, bootstrapBrokers, deserializers: stringDeserializers });
  const send = tickBatcher<Outgoing>((messages) => producer.send({ messages }).then(() => undefined));
  let stream: MessagesStream<string, string, string, string> | undefined;
  const scenario: Scenario = {
    async start(onEvent) {
      stream = await consumer.consume({ topics: [ctx.topic], mode: 'committed', fallbackMode: 'earliest' });
      stream.on('data', (message) => onEvent(JSON.parse(message.value) as OrderCreatedEvent));
    },
    publish: (event) => send({ topic: ctx.topic, value: Buffer.from(JSON.stringify(event), 'utf8') }),
    async stop() {
      await stream?.close();
      await consumer.close(true);
      await producer.close();
      await deleteKafkaTopics([ctx.topic]);
    },
  };
  return scenario;
};

export default createScenario;
