// `npm test`: type-checks the project (jest only transpiles), brings up every broker the tests
// need (test/brokers/up), installs FastStream for the interop tests (scripts/faststream.sh, a
// git-ignored venv), then runs every test: unit and e2e, the conformance suite against every
// transport, the broker-specific tests and the FastStream interop tests. Extra arguments go to
// jest. Brokers are left running for the next run; `test/brokers/down` stops them.
import { spawnSync } from 'node:child_process';
import { brokersUp, jest, ROOT, run } from './jest.mjs';

const typecheck = run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit']);
if (typecheck !== 0) process.exit(typecheck);
brokersUp(['redis', 'nats', 'rabbitmq', 'kafka', 'postgres']);
const fastStream = spawnSync('bash', ['scripts/faststream.sh'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (fastStream.status !== 0) {
  console.error(`scripts/faststream.sh failed (exit ${fastStream.status}): the interop tests need FastStream`);
  process.exit(fastStream.status ?? 1);
}
// --forceExit: a client library's leftover timer or socket must not keep a finished run (and CI) waiting.
process.exit(jest(['--runInBand', '--forceExit', ...process.argv.slice(2)], { NESTREAM_FASTSTREAM_PYTHON: fastStream.stdout.trim() }));
