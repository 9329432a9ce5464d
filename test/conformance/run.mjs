// `npm run test:conformance -- <target> [<target> ...]`: the shared suites (app level in
// test/conformance, transport level in test/transports) against the named transports (default: all), after bringing up the brokers they need.
import { register } from 'node:module';
import { brokersUp, jest } from '../jest.mjs';

register('../support/ts-loader.mjs', import.meta.url);
const { loadTargets } = await import('./targets.ts');

const all = await loadTargets();
const names = process.argv.slice(2);
const unknown = names.filter((name) => !all.some((t) => t.name === name));
if (unknown.length > 0) {
  console.error(`unknown conformance target(s): ${unknown.join(', ')}; known: ${all.map((t) => t.name).join(', ')}`);
  process.exit(2);
}
const chosen = names.length > 0 ? all.filter((t) => names.includes(t.name)) : all;
brokersUp([...new Set(chosen.flatMap((t) => t.brokers))]);
// --forceExit: a client library's leftover timer or socket must not keep a finished run (and CI) waiting.
process.exit(jest(['--selectProjects', 'conformance', 'transports', '--runInBand', '--forceExit'], { NESTREAM_CONFORMANCE: chosen.map((t) => t.name).join(',') }));
