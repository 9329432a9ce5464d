// `npm run bench [-- --quick] [--only memory,nats,...] [--profile]`
// For each broker: the same workload through nestream, the raw client, @nestjs/microservices
// (plain and with a ValidationPipe) and FastStream (Python, bench/faststream/), each run in its
// own child process, alternating implementations; then a fixed-rate latency run of each, and a
// long memory run on the in-memory transport. Prints the table, writes
// bench/results/latest.json (quick: quick.json) and, for full runs, bench/README.md's table.
// Exits non-zero if any run failed (a lost message, a duplicate where none may be, an error).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brokersUp } from '../test/jest.mjs';
import { describeMachine } from './machine.mjs';
import { AT_LEAST_ONCE, BROKERS, CONCURRENCY, IMPLEMENTATIONS, implementations, rotated, SERVER_OF, SIZES } from './plan.mjs';
import { summarizeProfile } from './profile-summary.mjs';
import { memoryLine, ratios, summarize, table, updateReadme, writeJson } from './report.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const CHILD_TIMEOUT_MS = 10 * 60_000;

const args = parseArgs(process.argv.slice(2));
const sizes = { ...SIZES[args.quick ? 'quick' : 'full'], ...(args.n ? { n: args.n } : {}), ...(args.reps ? { reps: args.reps } : {}) };
const brokers = args.only ?? BROKERS;
const started = Date.now();
mkdirSync(RESULTS, { recursive: true });
brokersUp([...new Set(brokers.map((b) => SERVER_OF[b]).filter(Boolean))]);
// FastStream's python, installed from PyPI into .cache/faststream/venv when missing.
const python = !args.profile && brokers.some((b) => implementations(b).includes('faststream'))
  ? execFileSync(`${ROOT}scripts/faststream.sh`, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim()
  : undefined;
const runTag = Date.now().toString(36);
let runCounter = 0;
let failed = false;

if (args.profile) {
  for (const broker of brokers) await profile(broker);
  process.exit(failed ? 1 : 0);
}

const rows = [];
for (const broker of brokers) rows.push(await benchBroker(broker));
const memory = brokers.includes('memory') ? await memoryRun() : null;

const machine = await describeMachine(new URL('..', import.meta.url));
const command = `npm run bench${args.raw.length ? ' -- ' + args.raw.join(' ') : ''}`;
const result = {
  date: new Date().toISOString(),
  command,
  mode: args.quick ? 'quick' : 'full',
  machine,
  workload: { n: sizes.n, warmup: sizes.warmup, repetitions: sizes.reps, concurrency: CONCURRENCY, latency: { rate: sizes.rate, seconds: sizes.seconds } },
  brokers: rows,
  memory,
  durationSeconds: Math.round((Date.now() - started) / 1000),
};
const markdown = [
  `${result.date.slice(0, 10)} · ${machine.cores} cores (${machine.cpu}) · Node ${machine.node} · ` +
    `Redis ${machine.brokers.redis ?? '?'}, NATS ${machine.brokers.nats ?? '?'}, RabbitMQ ${machine.brokers.rabbitmq ?? '?'}, Kafka ${machine.brokers.kafka ?? '?'} · ` +
    `\`${command}\` (${result.durationSeconds} s)`,
  '',
  `N = ${sizes.n.toLocaleString('en-US')} events per run, median of ${sizes.reps}; latency at ${sizes.rate.toLocaleString('en-US')}/s for ${sizes.seconds} s.`,
  '',
  table(rows),
  '',
  memoryLine(memory),
].join('\n');
console.log('\n' + markdown + '\n');
// Only a full run of everything replaces the published results; quick and partial runs keep their own file.
const complete = !args.quick && !args.only && !args.n && !args.reps;
writeJson(`${RESULTS}${args.quick ? 'quick.json' : complete ? 'latest.json' : 'partial.json'}`, result);
if (complete) updateReadme(fileURLToPath(new URL('./README.md', import.meta.url)), markdown);
if (failed) console.error('[bench] FAILED: at least one run lost messages or errored (see above)');
process.exit(failed ? 1 : 0);

async function benchBroker(broker) {
  const impls = implementations(broker);
  const throughput = Object.fromEntries(impls.map((impl) => [impl, []]));
  const latency = {};
  const failures = {};
  // A failed run (lost messages, an error) ends that implementation's runs on this broker and
  // fails the bench, but its peers' figures are still measured and reported.
  const measure = async (impl, spec, keep) => {
    if (failures[impl]) return;
    try {
      keep(await child({ broker, impl, ...spec }));
    } catch (error) {
      failed = true;
      failures[impl] = error.message;
      log(`${broker} ${impl} FAILED: ${error.message}`);
    }
  };
  for (let rep = 0; rep < sizes.reps; rep++) {
    for (const impl of rotated(impls, rep)) {
      await measure(impl, { mode: 'throughput', n: sizes.n, warmup: sizes.warmup }, (r) => {
        log(`${broker} ${impl} throughput ${rep + 1}/${sizes.reps}: ${Math.round(r.msgsPerSec).toLocaleString('en-US')} msgs/s, ${r.cpuUsPerMsg.toFixed(1)} µs CPU/msg`);
        throughput[impl].push(r);
      });
    }
  }
  for (const impl of impls) {
    await measure(impl, { mode: 'latency', n: 0, warmup: sizes.latencyWarmup, rate: sizes.rate, seconds: sizes.seconds }, (r) => {
      log(`${broker} ${impl} latency at ${sizes.rate}/s: p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms`);
      latency[impl] = r;
    });
  }
  const row = { broker };
  for (const impl of IMPLEMENTATIONS) row[impl] = failures[impl] ? null : summarize(throughput[impl], latency[impl]);
  row.ratios = ratios(row);
  if (Object.keys(failures).length > 0) row.failures = failures;
  return row;
}

async function memoryRun() {
  try {
    const r = await child({ broker: 'memory', impl: 'nestream', mode: 'memory', n: sizes.memoryN, warmup: 0 });
    log(`memory run: ${memoryLine(r)}`);
    return r;
  } catch (error) {
    failed = true;
    log(`memory run FAILED: ${error.message}`);
    return { error: error.message };
  }
}

async function profile(broker) {
  const dir = `${RESULTS}profiles`;
  mkdirSync(dir, { recursive: true });
  const impl = args.impl ?? 'nestream';
  if (impl === 'faststream') usage('--profile takes a Node implementation (nestream, raw, nest, nest-validation); profile FastStream with py-spy');
  const path = `${dir}/${broker}-${impl}-${runTag}.cpuprofile`;
  try {
    const r = await child({ broker, impl, mode: 'throughput', n: sizes.n, warmup: sizes.warmup, profile: path });
    log(`${broker} ${impl} (profiled): ${Math.round(r.msgsPerSec).toLocaleString('en-US')} msgs/s, ${r.cpuUsPerMsg.toFixed(1)} µs CPU/msg`);
    console.log(`\n## ${broker} ${impl}: ${path}\n` + summarizeProfile(path));
  } catch (error) {
    failed = true;
    log(`${broker} profile FAILED: ${error.message}`);
  }
}

/**
 * Runs one measurement in a fresh process (Node's bench/child.ts, or FastStream's
 * bench/faststream/bench.py, which speak the same RunSpec / RESULT protocol); resolves its
 * RESULT, rejects on any failure.
 */
function child(spec) {
  const full = { ...spec, runId: `${runTag}-${++runCounter}`, concurrency: CONCURRENCY, allowDuplicates: AT_LEAST_ONCE.has(spec.broker) };
  const [command, argv] =
    spec.impl === 'faststream'
      ? [python, ['bench/faststream/bench.py', JSON.stringify({ ...full, topic: `bench.${spec.broker}.faststream.${full.runId}`, group: `bench-${full.runId}`, endpoints: pythonEndpoints() })]]
      : [process.execPath, [...(spec.mode === 'memory' ? ['--expose-gc'] : []), '--import', './test/support/ts-register.mjs', 'bench/child.ts', JSON.stringify(full)]];
  return new Promise((resolve, reject) => {
    const proc = spawn(command, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (chunk) => (stdout += chunk));
    proc.stderr.on('data', (chunk) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
    const timer = setTimeout(() => proc.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) return resolve(JSON.parse(line.slice('RESULT '.length)));
      const reason = stderr.match(/FAILED [^\n]*/)?.[0] ?? (signal ? `killed (${signal}) after ${CHILD_TIMEOUT_MS / 1000} s` : `exit ${code}`);
      reject(new Error(`${spec.impl} ${spec.broker} ${spec.mode}: ${reason}`));
    });
  });
}

/** test/brokers/endpoints.ts for the Python side: the env var when set, else the local broker. */
function pythonEndpoints() {
  const env = process.env;
  return {
    nats: env.NATS_URL ?? 'nats://127.0.0.1:4222',
    amqp: env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    redis: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    kafka: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()),
  };
}

function parseArgs(argv) {
  const out = { raw: argv, quick: false, profile: false, only: undefined, n: undefined, reps: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') out.quick = true;
    else if (arg === '--profile') out.profile = true;
    else if (arg === '--only') out.only = argv[++i]?.split(',').map((s) => s.trim()).filter(Boolean);
    else if (arg === '--n') out.n = Number(argv[++i]);
    else if (arg === '--reps') out.reps = Number(argv[++i]);
    else if (arg === '--impl') out.impl = argv[++i];
    else usage(`unknown argument ${arg}`);
  }
  const unknown = out.only?.filter((b) => !BROKERS.includes(b)) ?? [];
  if (out.only && (out.only.length === 0 || unknown.length > 0)) usage(`unknown broker(s) ${unknown.join(', ')}; known: ${BROKERS.join(', ')}`);
  return out;
}

function usage(message) {
  console.error(`npm run bench -- [--quick] [--only ${BROKERS.join(',')}] [--n N] [--reps R] [--profile [--impl raw|nest|nest-validation]]\n${message}`);
  process.exit(2);
}

function log(message) {
  console.error(`[bench] ${message}`);
}
