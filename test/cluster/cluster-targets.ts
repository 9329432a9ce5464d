import type { ClusterTarget } from './cluster-target.js';
import { jetstream } from './targets/jetstream.js';
import { KAFKA_CLUSTER_TARGETS } from './targets/kafka.js';
import { rabbitmqCluster } from './targets/rabbitmq.js';
import { redisStreamsCluster } from './targets/redis.js';

/**
 * Every broker mode the cluster suite covers (each broker's own file under targets/);
 * CLUSTER_TARGETS=a,b narrows it (test/cluster/run.mjs also starts only those clusters).
 */
const ALL: readonly ClusterTarget[] = [
  ...KAFKA_CLUSTER_TARGETS,
  jetstream,
  rabbitmqCluster,
  redisStreamsCluster,
];

export const CLUSTER_TARGETS = ALL.filter((t) => !process.env.CLUSTER_TARGETS || process.env.CLUSTER_TARGETS.split(',').some((name) => t.name.startsWith(name) || (name === 'nats' && t.name === 'jetstream')));
export const targetNamed = (name: string): ClusterTarget => ALL.find((t) => t.name === name) ?? raise(`no cluster target ${name}`);

function raise(message: string): never {
  throw new Error(message);
}
