// Nest's NATS transport (core NATS, queue group), as fast as it goes: emit() publishes and
// resolves at once (Nest does not flush), handlers run as messages arrive.
import { Transport } from '@nestjs/microservices';
import { endpoints } from '../../../test/brokers/endpoints.js';
import type { ScenarioFactory } from '../scenario.js';
import { nestScenario } from './microservice.js';

const createScenario: ScenarioFactory = async (ctx) => {
  const options = { servers: [endpoints.natsUrl()] };
  return nestScenario(ctx, {
    server: { transport: Transport.NATS, options: { ...options, queue: ctx.group } },
    client: { transport: Transport.NATS, options },
  });
};

export default createScenario;
