import { RabbitTransport } from '../../../lib/transports/rabbitmq/index.js';
import { endpoints, UNREACHABLE_PORT } from '../../brokers/endpoints.js';
import type { ConformanceTarget } from '../target.js';

const target: ConformanceTarget = {
  name: 'rabbitmq',
  brokers: ['rabbitmq'],
  create: () => new RabbitTransport({ url: endpoints.amqpUrl(), connectionName: 'nestream-conformance' }),
  createUnreachable: () =>
    new RabbitTransport({
      url: `amqp://guest:guest@127.0.0.1:${UNREACHABLE_PORT}`,
      initialConnectAttempts: 1,
      connectTimeoutMs: 2_000,
      publishTimeoutMs: 2_000,
    }),
  deliveryTimeoutMs: 10_000,
  subscribeSettleMs: 0,
};

export default target;
