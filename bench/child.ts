// One measurement in its own process, so CPU time and RSS belong to one implementation only.
// argv[2]: a JSON RunSpec. Prints `RESULT <json>` on success; exits non-zero (and says why) on
// any failure, including a lost or (where not allowed) duplicated message.
import { measureLatency, measureMemory, measureThroughput } from './measure.js';
import { cpuProfiler } from './profiler.js';
import { loadScenario } from './scenarios/index.js';
import type { BrokerName, Implementation, Scenario } from './scenarios/scenario.js';

export interface RunSpec {
  broker: BrokerName;
  impl: Implementation;
  mode: 'throughput' | 'latency' | 'memory';
  runId: string;
  n: number;
  warmup: number;
  concurrency: number;
  /** At-least-once brokers may redeliver; elsewhere a duplicate fails the run. */
  allowDuplicates: boolean;
  rate?: number;
  seconds?: number;
  /** Write a CPU profile of the measured phase (throughput runs) to this path. */
  profile?: string;
}

const spec = JSON.parse(process.argv[2]!) as RunSpec;
const topic = `bench.${spec.broker}.${spec.impl}.${spec.runId}`;
let scenario: Scenario | undefined;
try {
  const create = await loadScenario(spec.impl, spec.broker);
  scenario = await create({ broker: spec.broker, topic, group: `bench-${spec.runId}`, concurrency: spec.concurrency, validation: spec.impl === 'nest-validation' });
  const result =
    spec.mode === 'throughput'
      ? await measureThroughput(scenario, spec.n, spec.warmup, spec.allowDuplicates, spec.profile ? cpuProfiler(spec.profile) : undefined)
      : spec.mode === 'latency'
        ? await measureLatency(scenario, spec.rate!, spec.seconds!, spec.warmup, spec.allowDuplicates)
        : await measureMemory(scenario, spec.n, spec.allowDuplicates);
  await scenario.stop();
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
} catch (error) {
  process.stderr.write(`FAILED ${spec.impl} ${spec.broker} ${spec.mode}: ${(error as Error)?.stack ?? error}\n`);
  await Promise.race([scenario?.stop().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 10_000))]);
  process.exit(1);
}
