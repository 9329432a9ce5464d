// Raw ioredis Pub/Sub: SUBSCRIBE on a dedicated connection decoding JSON; PUBLISH resolved on
// the server's reply.
import { Redis } from 'ioredis';
import type { OrderCreatedEvent } from '../../workload.js';
import { endpoints } from '../../../test/brokers/endpoints.js';
import type { Scenario, ScenarioFactory } from '../scenario.js';

const createScenario: ScenarioFactory = async (ctx) => {
  const producer = new Redis(endpoints.redisUrl());
  const subscriber = new Redis(endpoints.redisUrl());
  const scenario: Scenario = {
    async start(onEvent) {
      subscriber.on('message', (_channel: string, message: string) => onEvent(JSON.parse(message) as OrderCreatedEvent));
      await subscriber.subscribe(ctx.topic);
    },
    async publish(event) {
      await producer.publish(ctx.topic, JSON.stringify(event));
    },
    async stop() {
      subscriber.disconnect();
      producer.disconnect();
    },
  };
  return scenario;
};

export default createScenario;
