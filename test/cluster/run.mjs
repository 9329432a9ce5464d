// `npm run test:cluster [-- <jest args>]`: the cluster suite (test/cluster/), against three-node
// clusters of Kafka, NATS (JetStream), RabbitMQ and a six-node Redis Cluster that
// `test/brokers/cluster up` starts on ports of their own (never the shared single-node brokers).
// `test/brokers/up` runs first only because it installs the servers. CLUSTER_TARGETS=kafka,nats
// narrows it; the clusters stay up afterwards (`test/brokers/cluster down` stops them).
import { brokersUp, jest, run } from '../jest.mjs';

// A target name (kafka-platformatic, jetstream, redis-streams) starts the cluster it runs on.
const CLUSTER_OF = { kafka: 'kafka', jetstream: 'nats', nats: 'nats', rabbitmq: 'rabbitmq', redis: 'redis' };
const clusterOf = (target) => CLUSTER_OF[target] ?? CLUSTER_OF[target.split('-')[0]] ?? target;
const targets = process.env.CLUSTER_TARGETS ? [...new Set(process.env.CLUSTER_TARGETS.split(',').map(clusterOf))] : ['kafka', 'nats', 'rabbitmq', 'redis'];
brokersUp(['redis', 'nats', 'rabbitmq', 'kafka']);
const up = run('bash', ['test/brokers/cluster', 'up', ...targets]);
if (up !== 0) {
  console.error(`test/brokers/cluster up ${targets.join(' ')} failed (exit ${up})`);
  process.exit(up);
}
// --forceExit: a client library's leftover timer or socket must not keep a finished run (and CI) waiting.
process.exit(jest(['--selectProjects', 'cluster', '--runInBand', '--forceExit', ...process.argv.slice(2)], { NESTREAM_CLUSTER: '1' }));
