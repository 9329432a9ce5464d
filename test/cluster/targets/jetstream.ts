import { existsSync } from 'node:fs';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { NatsTransport } from '../../../lib/transports/nats/index.js';
import { natsServerCommand } from '../../brokers/installed.js';
import type { ClusterNode, ClusterTarget } from '../cluster-target.js';
import { clusterUp, eventually, killNode } from './cluster-process.js';

/** The three servers of test/brokers/cluster.d/nats.sh (server names n1-n3, client ports 24222-24224). */
const NODES: readonly ClusterNode[] = [1, 2, 3].map((i) => ({ id: `n${i}`, address: `nats://127.0.0.1:${24221 + i}` }));
const ADDRESS = NODES.map((n) => n.address).join(',');

/** A JetStream manager of the test's own (any live server answers), separate from the transport under test. */
async function withJsm<T>(use: (jsm: JetStreamManager) => Promise<T>): Promise<T> {
  const nc = await connect({ servers: ADDRESS.split(','), name: 'nestream-cluster-probe', reconnect: false });
  try {
    return await use(await jetstreamManager(nc, { timeout: 3000 }));
  } finally {
    await nc.close();
  }
}

const nodeNamed = (name: string): ClusterNode => NODES.find((n) => n.id === name) ?? raise(`JetStream names leader ${name}, not a server of the cluster`);

/**
 * JetStream on the three-server cluster: the streams nestream creates have 3 replicas (their
 * consumers, the dead-letter stream's included, inherit them), so a publish is acknowledged once
 * a majority stored it. The transport is given all three URLs and moves to another server when
 * its own dies; a publish made while the stream elects a leader is sent again until it has one. leaderOf asks which server leads the stream that captures the topic.
 */
export const jetstream: ClusterTarget = {
  name: 'jetstream',
  address: ADDRESS,
  nodes: NODES,
  available: () => existsSync(natsServerCommand()),
  create: (address) =>
    new NatsTransport({
      servers: address.split(','),
      // Above the ~6 s a stream takes to elect a new leader here: a publish made meanwhile waits for it instead of failing.
      publishTimeoutMs: 10_000,
      jetstream: { streamDefaults: { replicas: 3, maxAgeMs: 10 * 60_000 }, consumerDefaults: { fetchExpiresMs: 1000 } },
    }),
  leaderOf: (topic) =>
    eventually(`a leader of the stream capturing ${topic}`, 60_000, () =>
      withJsm(async (jsm) => {
        const leader = (await jsm.streams.info(await jsm.streams.find(topic))).cluster?.leader;
        return leader ? nodeNamed(leader) : undefined;
      }),
    ),
  kill: (node) => killNode('nats', node.id),
  async restart(node) {
    await clusterUp('nats'); // starts the missing server; returns once all three agree on a meta leader
    // Rejoined = a current replica (caught up) of every stream it is a peer of, or its leader.
    await eventually(`nats server ${node.id} current again`, 120_000, () =>
      withJsm(async (jsm) => {
        for await (const stream of jsm.streams.list()) {
          const { cluster } = await jsm.streams.info(stream.config.name);
          if (!cluster || cluster.leader === node.id) continue;
          if (!cluster.leader || !cluster.replicas?.some((r) => r.name === node.id && r.current && !r.offline)) return undefined;
        }
        return true;
      }),
    );
  },
};

function raise(message: string): never {
  throw new Error(message);
}
