import { RabbitTransport } from '../../../lib/transports/rabbitmq/index.js';
import { groupQueueName, retryQueuePrefix } from '../../../lib/transports/rabbitmq/rabbit.topology.js';
import { endpoints, UNREACHABLE_PORT } from '../../brokers/endpoints.js';
import { queueDepths } from '../../brokers/rabbitmq-helpers.js';
import type { ConformanceTarget } from '../target.js';
import type { Transport } from '../../../lib/index.js';

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
  unsettled: rabbitUnsettled,
  replyResources: openChannels,
};

/** The channels open on the transport's connection (direct reply-to declares no queue, so channels are what could leak). */
async function openChannels(transport: Transport): Promise<number> {
  const model = transport.unwrap<{ connection: { channels: unknown[] } }>();
  return model.connection.channels.filter(Boolean).length;
}

/**
 * What the broker holds for the group: the messages of its queue (named as the transport names
 * it) and of that queue's retry queues (copies waiting out a delayed nack), each counted ready
 * or delivered and not yet acknowledged, so it holds with consumers still attached too.
 */
async function rabbitUnsettled(topic: string, group: string): Promise<number> {
  const queue = groupQueueName(topic, group);
  const retryPrefix = retryQueuePrefix(queue);
  let total = 0;
  for (const [name, messages] of await queueDepths(endpoints.amqpUrl())) {
    if (name === queue || name.startsWith(retryPrefix)) total += messages;
  }
  return total;
}

export default target;
