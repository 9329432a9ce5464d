import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { RedisTransport } from '../../../lib/transports/redis/index.js';
import type { ClusterNode, ClusterTarget } from '../cluster-target.js';
import { CLUSTER_DIR, clusterUp, killByPidFile, waitUntil } from './cluster-script.js';

const PORTS = [23001, 23002, 23003, 23004, 23005, 23006];
/** As test/brokers/cluster.d/redis.sh starts them: the id is the port. */
const NODES: readonly ClusterNode[] = PORTS.map((port) => ({ id: String(port), address: `127.0.0.1:${port}` }));

/**
 * A six-node Redis Cluster (three masters, a replica each) in streams mode. The stream of a
 * topic is the key of that name, so its "leader" is the master serving the key's slot; killing
 * it makes its replica take over (cluster-node-timeout 2 s), and the killed node comes back as
 * a replica. Short claim and block times: a killed consumer's entries are reclaimed in seconds.
 */
export const redisStreamsCluster: ClusterTarget = {
  name: 'redis-streams',
  available: () => existsSync('/usr/bin/redis-server') || existsSync('/usr/local/bin/redis-server'),
  address: NODES.map((node) => node.address).join(','),
  nodes: NODES,
  create: (address) =>
    new RedisTransport({
      mode: 'streams',
      cluster: { nodes: address.split(',').map((hostPort) => ({ host: hostPort.split(':')[0]!, port: Number(hostPort.split(':')[1]) })) },
      blockMs: 500,
      claimIdleMs: 2000,
    }),

  async leaderOf(topic) {
    let leader: ClusterNode | undefined;
    await waitUntil(`the master of ${topic}'s slot`, 30_000, 200, async () => {
      const port = await ask(async (redis) => masterOfSlot(String(await redis.call('CLUSTER', 'NODES')), Number(await redis.call('CLUSTER', 'KEYSLOT', topic))));
      leader = NODES.find((node) => node.id === String(port));
      return leader !== undefined;
    });
    return leader!;
  },

  kill: (node) => killByPidFile(join(CLUSTER_DIR, 'redis', node.id, 'pid')),

  /** Starts the node again (the script starts only what is missing and waits for cluster_state:ok everywhere), then until it serves as a replica in sync with its master. */
  async restart(node) {
    await clusterUp('redis');
    await waitUntil(`Redis ${node.id} back as a replica`, 60_000, 200, () =>
      withNode(Number(node.id), async (redis) => {
        const [role, , , state] = (await redis.call('ROLE')) as [string, string, number, string];
        return role === 'slave' && state === 'connected';
      }),
    );
  },
};

/**
 * The port of the master serving `slot`, from CLUSTER NODES (`<id> <ip:port@bus> <flags>
 * <master> <ping> <pong> <epoch> <link> <slot ranges...>`); undefined while it is failed.
 */
function masterOfSlot(nodes: string, slot: number): number | undefined {
  for (const line of nodes.split('\n')) {
    const [, address, flags, , , , , link, ...ranges] = line.trim().split(' ');
    if (!address || !flags?.split(',').includes('master') || /fail/.test(flags) || link !== 'connected') continue;
    const serves = ranges.some((range) => {
      if (range.startsWith('[')) return false; // a slot being migrated
      const [from, to = from] = range.split('-').map(Number);
      return slot >= from! && slot <= to!;
    });
    if (serves) return Number(address.split('@')[0]!.split(':')[1]);
  }
  return undefined;
}

/** Runs `query` on the first node that answers. */
async function ask<T>(query: (redis: Redis) => Promise<T>): Promise<T> {
  let lastError: unknown;
  for (const port of PORTS) {
    try {
      return await withNode(port, query);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function withNode<T>(port: number, query: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 1000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await query(redis);
  } finally {
    redis.disconnect();
  }
}
