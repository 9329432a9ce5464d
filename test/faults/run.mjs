// `npm run test:faults [-- <jest args>]`: the fault suite (test/faults/), against private brokers
// it starts and restarts itself on ports of their own (never the shared ones). It brings up the
// shared brokers first only because that installs them (Kafka's jars, rabbitmq-server, nats-server).
// FAULT_TARGETS=kafka,jetstream narrows it to some broker modes.
import { brokersUp, jest } from '../jest.mjs';

brokersUp(['redis', 'nats', 'rabbitmq', 'kafka']);
// --forceExit: a client library's leftover timer or socket must not keep a finished run (and CI) waiting.
process.exit(jest(['--selectProjects', 'faults', '--runInBand', '--forceExit', ...process.argv.slice(2)], { NESTREAM_FAULTS: '1' }));
