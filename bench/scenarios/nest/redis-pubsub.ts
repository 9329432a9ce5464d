// Nest's Redis transport (Pub/Sub over ioredis); emit() resolves on PUBLISH's reply.
import { Transport } from '@nestjs/microservices';
import { endpoints } from '../../../test/brokers/endpoints.js';
import type { ScenarioFactory } from '../scenario.js';
import { nestScenario } from './microservice.js';

const createScenario: ScenarioFactory = async (ctx) => {
  const url = new URL(endpoints.redisUrl());
  const options = { host: url.hostname, port: Number(url.port || 6379) };
  return nestScenario(ctx, {
    server: { transport: Transport.REDIS, options },
    client: { transport: Transport.REDIS, options },
  });
};

export default createScenario;
