// `npm test`: type-checks the project (jest only transpiles), brings up every broker the tests
// need (test/brokers/up), then runs every test: unit and e2e, the conformance suite against
// every transport, and the broker-specific tests. Extra arguments go to jest. Brokers are left
// running for the next run; `test/brokers/down` stops them.
import { brokersUp, jest, run } from './jest.mjs';

const typecheck = run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit']);
if (typecheck !== 0) process.exit(typecheck);
brokersUp(['redis', 'nats', 'rabbitmq', 'kafka', 'postgres']);
process.exit(jest(['--runInBand', ...process.argv.slice(2)]));
