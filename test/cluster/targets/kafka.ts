import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaTransport } from '../../../lib/transports/kafka/index.js';
import { kafkaLibs } from '../../brokers/installed.js';
import type { ClusterNode, ClusterTarget } from '../cluster-target.js';
import { clusterUp, eventually, killNode } from './cluster-process.js';

/** The three KRaft nodes of test/brokers/cluster.d/kafka.sh (node ids 1-3, client ports 21092/21192/21292). */
const NODES: readonly ClusterNode[] = [1, 2, 3].map((id) => ({ id: String(id), address: `127.0.0.1:${21092 + (id - 1) * 100}` }));
const ADDRESS = NODES.map((n) => n.address).join(',');
/** Partitions of every topic the targets create (see `kafka` below). */
export const PARTITIONS = 6;

/** A metadata client of the test's own (kafkajs admin), separate from the transport under test. */
async function withAdmin<T>(use: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
  const admin = new Kafka({ clientId: 'nestream-cluster-probe', brokers: ADDRESS.split(','), logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

const nodeWithId = (id: number): ClusterNode => NODES.find((n) => n.id === String(id)) ?? raise(`Kafka names leader ${id}, not a node of the cluster`);

/**
 * Kafka on the three-node cluster, on one client library (always named: the default is changing).
 * Topics are created with replication factor 3 and min.insync.replicas 2, so a publish is
 * acknowledged (acks=all) only once two nodes have it, and the topic takes writes with one node down.
 * Six partitions: the scale-out's four consumers each get some. leaderOf names partition 0's leader: the
 * run publishes with 16 keys across the 6 partitions (two led by each node, as a rule), so killing that
 * node moves a third of the writes and the group coordinator may move with it.
 */
const kafka = (name: string, library: 'kafkajs' | 'platformatic'): ClusterTarget => ({
  name,
  address: ADDRESS,
  nodes: NODES,
  available: () => existsSync(join(kafkaLibs, '.complete')),
  subscribeOptions: { fromBeginning: true },
  create(address) {
    const common = {
      brokers: address.split(','),
      clientId: `nestream-cluster-${name}`,
      topics: { numPartitions: PARTITIONS, replicationFactor: 3, minInsyncReplicas: 2 },
      restartDelayMs: 500,
      commitIntervalMs: 50,
    };
    return library === 'platformatic'
      ? new KafkaTransport({ ...common, library, consumer: { sessionTimeout: 10_000, heartbeatInterval: 1000, rebalanceTimeout: 10_000, maxWaitTime: 200 } })
      : new KafkaTransport({ ...common, library, consumer: { sessionTimeout: 10_000, heartbeatInterval: 1000, rebalanceTimeout: 10_000, maxWaitTimeInMs: 200 } });
  },
  leaderOf: (topic) =>
    eventually(`a leader of ${topic}'s partition 0`, 60_000, () =>
      withAdmin(async (admin) => {
        const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
        const leader = metadata?.partitions.find((p) => p.partitionId === 0)?.leader;
        return leader !== undefined && leader >= 0 ? nodeWithId(leader) : undefined;
      }),
    ),
  kill: (node) => killNode('kafka', `n${node.id}`),
  stored: storedEvents,
  async restart(node) {
    await clusterUp('kafka'); // starts the missing node; returns once all three are registered
    // Rejoined = back in the in-sync replicas of every partition it holds (it caught up), so the next kill leaves two in sync.
    await eventually(`kafka node ${node.id} in sync again`, 120_000, () =>
      withAdmin(async (admin) => {
        const { topics } = await admin.fetchTopicMetadata();
        const behind = topics.flatMap((t) => t.partitions).filter((p) => p.replicas.includes(Number(node.id)) && !p.isr.includes(Number(node.id)));
        return behind.length === 0 ? true : undefined;
      }),
    );
  },
});

/** Reads `topic` from the start to its end (as the admin client reports the end), in a group of its own. */
async function storedEvents(topic: string): Promise<ReadonlySet<number>> {
  const kafka = new Kafka({ clientId: 'nestream-cluster-audit', brokers: ADDRESS.split(','), logLevel: logLevel.NOTHING });
  const ends = await withAdmin((admin) => admin.fetchTopicOffsets(topic));
  const unread = new Map(ends.filter((p) => BigInt(p.high) > 0n).map((p) => [p.partition, BigInt(p.high)]));
  const stored = new Set<number>();
  const consumer = kafka.consumer({ groupId: `nestream-audit-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const readToEnd = new Promise<void>((resolve) => {
      if (unread.size === 0) resolve();
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          stored.add(Number(message.value?.toString()));
          if (BigInt(message.offset) + 1n >= (unread.get(partition) ?? 0n)) unread.delete(partition);
          if (unread.size === 0) resolve();
        },
      });
    });
    await Promise.race([readToEnd, new Promise((_, reject) => setTimeout(() => reject(new Error(`${topic} not read to its end in 60 s`)), 60_000).unref())]);
    return stored;
  } finally {
    await consumer.disconnect();
  }
}

export const KAFKA_CLUSTER_TARGETS: readonly ClusterTarget[] = [kafka('kafka', 'kafkajs'), kafka('kafka-platformatic', 'platformatic')];

function raise(message: string): never {
  throw new Error(message);
}
