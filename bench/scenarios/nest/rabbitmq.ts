// Nest's RMQ transport configured like the others: a durable queue, persistent messages
// (publisher confirms come with amqp-connection-manager's channel), prefetch = concurrency and
// manual acks after the handler (noAck: false), which Nest offers through RmqContext.
import { Transport, type RmqContext } from '@nestjs/microservices';
import { endpoints } from '../../../test/brokers/endpoints.js';
import { QUEUE_EXPIRES_MS } from '../cleanup.js';
import type { ScenarioFactory } from '../scenario.js';
import { nestScenario } from './microservice.js';

const createScenario: ScenarioFactory = async (ctx) => {
  const queue = `${ctx.group}.${ctx.topic}`;
  const options = {
    urls: [endpoints.amqpUrl()],
    queue,
    queueOptions: { durable: true, arguments: { 'x-expires': QUEUE_EXPIRES_MS } },
    persistent: true,
  };
  return nestScenario(ctx, {
    server: { transport: Transport.RMQ, options: { ...options, noAck: false, prefetchCount: ctx.concurrency } },
    client: { transport: Transport.RMQ, options },
    ack: (context) => {
      const rmq = context as RmqContext;
      (rmq.getChannelRef() as { ack(message: unknown): void }).ack(rmq.getMessage());
    },
  });
};

export default createScenario;
