// `npm run test:cluster [-- <jest args>]`: the cluster suite (test/cluster/), against three-node
// clusters of Kafka, NATS (JetStream), RabbitMQ and a six-node Redis Cluster that
// `test/brokers/cluster up` starts on ports of their own (never the shared single-node brokers).
// `test/brokers/up` runs first only because it installs the servers. CLUSTER_TARGETS=kafka,nats
// narrows it; the clusters stay up afterwards (`test/brokers/cluster down` stops them).
import { brokersUp, jest, run } from '../jest.mjs';

const targets = process.env.CLUSTER_TARGETS ? process.env.CLUSTER_TARGETS.split(',') : ['kafka', 'nats', 'rabbitmq', 'redis'];
brokersUp(['redis', 'nats', 'rabbitmq', 'kafka']);
const up = run('bash', ['test/brokers/cluster', 'up', ...targets]);
if (up !== 0) {
  console.error(`test/brokers/cluster up ${targets.join(' ')} failed (exit ${up})`);
  process.exit(up);
}
// --forceExit: a client library's leftover timer or socket must not keep a finished run (and CI) waiting.
process.exit(jest(['--selectProjects', 'cluster', '--runInBand', '--forceExit', ...process.argv.slice(2)], { NESTREAM_CLUSTER: '1' }));
