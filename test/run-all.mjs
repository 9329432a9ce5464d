// `npm test`: brings up every broker the tests need (test/brokers/up), then runs every test:
// unit and e2e, the conformance suite against every transport, and the broker-specific tests.
// Extra arguments go to jest. Brokers are left running for the next run; `test/brokers/down` stops them.
import { brokersUp, jest } from './jest.mjs';

brokersUp(['redis', 'nats', 'rabbitmq', 'kafka']);
process.exit(jest(['--runInBand', ...process.argv.slice(2)]));
