import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Transport } from '../../../lib/index.js';
import { NatsTransport } from '../../../lib/transports/nats/index.js';
import { durableNameFor } from '../../../lib/transports/nats/nats.names.js';
import { findStream } from '../../../lib/transports/nats/nats.topology.js';
import { endpoints, UNREACHABLE_PORT } from '../../brokers/endpoints.js';
import type { ConformanceTarget } from '../target.js';

const unreachable = `127.0.0.1:${UNREACHABLE_PORT}`;
// Fail the first connect at once and never loop on reconnects: the suite expects a rejection.
const noReconnect = { reconnect: false, timeout: 1000 } as const;

// Short pulls make recovery quick. AckWait stays at its default (30 s, longer than any case
// waits): a message lost on close instead of handed back fails the case. Test streams expire
// their messages.
const testJetStream = {
  streamDefaults: { maxAgeMs: 10 * 60_000 },
  consumerDefaults: { fetchExpiresMs: 1000 },
} as const;

/**
 * What the group's durable consumer still holds as not done, asked of the server: delivered and
 * not acked (`num_ack_pending`) plus not delivered yet (`num_pending`). Stream and durable are
 * found the way the transport finds them (an existing stream capturing the topic; the durable
 * named from group and topic), and a missing one is an error, never a quiet 0.
 */
async function jetStreamUnsettled(topic: string, group: string): Promise<number> {
  const nc = await connect({ servers: endpoints.natsUrl() });
  try {
    const jsm = await jetstreamManager(nc);
    const stream = await findStream(jsm, topic);
    if (!stream) throw new Error(`no JetStream stream captures ${topic}`);
    const info = await jsm.consumers.info(stream.name, durableNameFor(topic, group, stream.dedicated));
    return info.num_ack_pending + info.num_pending;
  } finally {
    await nc.close();
  }
}

/** The subscriptions the server holds for this transport's connection (its monitor's connz), so a per-request inbox would show. */
async function natsSubscriptions(transport: Transport): Promise<number> {
  const nc = transport.unwrap<NatsConnection>();
  const monitor = process.env.NATS_MONITOR_URL ?? 'http://127.0.0.1:8222';
  const response = await fetch(`${monitor}/connz?cid=${nc.info!.client_id}&subs=1`);
  const body = (await response.json()) as { connections: { subscriptions: number }[] };
  if (body.connections.length !== 1) throw new Error(`NATS monitor does not know connection ${nc.info!.client_id}`);
  return body.connections[0]!.subscriptions;
}

export const nats: ConformanceTarget = {
  name: 'nats',
  brokers: ['nats'],
  create: () => new NatsTransport({ servers: endpoints.natsUrl() }),
  createUnreachable: () => new NatsTransport({ servers: unreachable, connection: noReconnect }),
  subscribeSettleMs: 50,
  replyResources: natsSubscriptions,
  deliveryTimeoutMs: 5000,
  // Core NATS is lossy (at-most-once): the server holds nothing for a group, so no `unsettled`.
};

export const jetstream: ConformanceTarget = {
  name: 'jetstream',
  brokers: ['nats'],
  create: () => new NatsTransport({ servers: endpoints.natsUrl(), jetstream: testJetStream }),
  createUnreachable: () => new NatsTransport({ servers: unreachable, jetstream: true, connection: noReconnect }),
  subscribeSettleMs: 100,
  replyResources: natsSubscriptions,
  deliveryTimeoutMs: 10_000,
  unsettled: jetStreamUnsettled,
};

export default [nats, jetstream];
