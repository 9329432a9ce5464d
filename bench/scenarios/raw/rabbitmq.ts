// Raw amqplib: a durable queue bound to a topic exchange, persistent publishes on a confirm
// channel (resolved on the broker's confirm), a consumer channel with prefetch and manual acks.
import amqp from 'amqplib';
import type { OrderCreatedEvent } from '../../workload.js';
import { endpoints } from '../../../test/brokers/endpoints.js';
import { QUEUE_EXPIRES_MS } from '../cleanup.js';
import type { Scenario, ScenarioFactory } from '../scenario.js';

const EXCHANGE = 'bench.raw';

const createScenario: ScenarioFactory = async (ctx) => {
  const connection = await amqp.connect(endpoints.amqpUrl());
  const publishing = await connection.createConfirmChannel();
  const consuming = await connection.createChannel();
  const queue = `${ctx.group}.${ctx.topic}`;
  await consuming.assertExchange(EXCHANGE, 'topic', { durable: true });
  await consuming.assertQueue(queue, { durable: true, arguments: { 'x-expires': QUEUE_EXPIRES_MS } });
  await consuming.bindQueue(queue, EXCHANGE, ctx.topic);
  const scenario: Scenario = {
    async start(onEvent) {
      await consuming.prefetch(ctx.concurrency);
      await consuming.consume(queue, (msg) => {
        if (!msg) return;
        onEvent(JSON.parse(msg.content.toString('utf8')) as OrderCreatedEvent);
        consuming.ack(msg);
      });
    },
    publish(event) {
      return new Promise<void>((resolve, reject) => {
        const body = Buffer.from(JSON.stringify(event), 'utf8');
        publishing.publish(EXCHANGE, ctx.topic, body, { persistent: true, contentType: 'application/json' }, (error) => (error ? reject(error) : resolve()));
      });
    },
    async stop() {
      await consuming.deleteQueue(queue);
      await connection.close();
    },
  };
  return scenario;
};

export default createScenario;
