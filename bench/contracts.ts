// Micro-benchmark of contract validation: the bench's 10-field event (bench/workload.ts) checked
// N times by class-validator as nestream ran it before (plainToInstance + validateSync, and the
// awaited form of the old async validateContract), by the compiled validator nestream runs now
// (validatorOf), and, for comparison, by the same event as a zod 4 Standard Schema contract.
// Prints µs per validation (median and minimum of the rounds), the share of the time spent in GC and, with --expose-gc, the bytes
// allocated per validation (heap growth over 1,000 validations between two full GCs).
//
//   node --expose-gc --import ./test/support/ts-register.mjs bench/contracts.ts [N]
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidatorOptions } from 'class-validator';
import { z } from 'zod';
import { planOf } from '../lib/contracts/compile-contract.js';
import { validatorOf } from '../lib/contracts/contract-validator.js';
import { defineContract } from '../lib/contracts/define-contract.js';
import { contractOf } from '../lib/decorators/metadata-accessor.js';
import { defineOrderContract } from './order-contract.js';
import { makeOrder } from './workload.js';

const N = Number(process.argv[2] ?? 200_000);
const ROUNDS = 7;
const OPTIONS: ValidatorOptions = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true };
const Order = defineOrderContract('bench.contracts');
const contract = contractOf(Order, 'bench');
if (!planOf(Order)) throw new Error('the bench contract is expected to compile');
// Distinct payloads, as from JSON.parse of each message: nothing is cached across calls.
const payloads = Array.from({ length: 1024 }, (_, seq) => JSON.parse(JSON.stringify(makeOrder(seq, seq))) as object);

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ['gc'] });

type Case = { name: string; run: (payload: object) => unknown | Promise<unknown> };
const compiled = validatorOf(contract);
const ZodOrder = defineContract(
  'bench.contracts.zod',
  z.strictObject({
    orderId: z.uuid(),
    seq: z.int().min(0),
    customerId: z.string(),
    email: z.email(),
    currency: z.enum(['EUR', 'USD', 'GBP']),
    amount: z.number().min(0),
    createdAt: z.iso.datetime(),
    sentAt: z.number(),
    shippingAddress: z.string().max(200),
    note: z.string().max(2000),
  }),
);
const zod = validatorOf(contractOf(ZodOrder, 'bench'));
const cases: Case[] = [
  {
    name: 'class-validator (plainToInstance + validateSync)',
    run: (payload) => {
      if (validateSync(plainToInstance(Order, payload), OPTIONS).length > 0) throw new Error('invalid');
    },
  },
  {
    name: 'class-validator, awaited (the old validateContract)',
    run: async (payload) => {
      if (validateSync(plainToInstance(Order, payload), OPTIONS).length > 0) throw new Error('invalid');
    },
  },
  { name: 'compiled (validatorOf)', run: (payload) => compiled(payload) },
  { name: 'zod 4 schema contract (validatorOf)', run: (payload) => zod(payload) },
];

async function measure({ run }: Case): Promise<{ us: number; gc: number }> {
  const gcBefore = gcMs;
  const started = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    const result = run(payloads[i & 1023]!);
    if (result instanceof Promise) await result;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  // GC entries arrive asynchronously: let them in before reading.
  await new Promise((resolve) => setTimeout(resolve, 20));
  return { us: (ms * 1000) / N, gc: (gcMs - gcBefore) / ms };
}

/** Heap growth per validation over a run too short for a GC: what one validation allocates, returned instance included. */
async function bytesPerValidation({ run }: Case): Promise<number | undefined> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  const runs = 1_000;
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < runs; i++) {
    const result = run(payloads[i & 1023]!);
    if (result instanceof Promise) await result;
  }
  return (process.memoryUsage().heapUsed - before) / runs;
}

// Each case runs in a process of its own: in one process the JIT state one case leaves behind
// (megamorphic call sites, a heap full of another case's garbage) slows the next.
const only = process.argv[3];
if (only === undefined) {
  console.log(`node ${process.version}, N = ${N} per round, median of ${ROUNDS - 1} rounds, each case in its own process`);
  for (const c of cases) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), String(N), c.name], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`${c.name}: ${child.stderr}`);
    process.stdout.write(child.stdout);
  }
} else {
  const c = cases.find((candidate) => candidate.name === only)!;
  const us: number[] = [];
  const gc: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const result = await measure(c);
    if (round > 0) us.push(result.us), gc.push(result.gc); // round 0 warms up
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const bytes = await bytesPerValidation(c);
  const allocated = bytes === undefined ? '' : `   ~${Math.round(bytes)} B allocated`;
  // The minimum too: on a shared machine the median moves with the neighbours' load.
  console.log(`${c.name.padEnd(52)} ${median(us).toFixed(2).padStart(6)} µs/validation (min ${Math.min(...us).toFixed(2)})   GC ${(median(gc) * 100).toFixed(1)} %${allocated}`);
}
