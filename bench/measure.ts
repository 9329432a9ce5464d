// The three measurements a child process makes on one scenario: throughput + CPU per message,
// latency at a fixed rate, and memory over a long run. Timing starts after a readiness probe
// and a warm-up, so broker joins and JIT warm-up are not counted.
import { performance } from 'node:perf_hooks';
import { awaitReceipts, PublishWindow, ReceiptTracker, type WindowLimits } from './flow.js';
import type { PhaseHooks } from './profiler.js';
import type { Scenario } from './scenarios/scenario.js';
import { makeOrder } from './workload.js';

export const WINDOW: WindowLimits = { publishes: 1_000, lag: 5_000 };
const STALL_MS = 30_000;
const PROBE_EVERY_MS = 100;
const PROBE_TIMEOUT_MS = 90_000;
const DUPLICATE_GRACE_MS = 500;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface ThroughputResult {
  n: number;
  wallMs: number;
  msgsPerSec: number;
  cpuUsPerMsg: number;
  cpuUserUsPerMsg: number;
  cpuSystemUsPerMsg: number;
  duplicates: number;
  rssMb: number;
}

export interface LatencyResult {
  n: number;
  rate: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  duplicates: number;
}

export interface MemoryResult {
  n: number;
  rssAtFirst50kMb: number;
  peakRssMb: number;
  endRssMb: number;
  /** Highest RSS after the first 50,000 messages minus RSS at 50,000. */
  growthMb: number;
  /**
   * JS heap in use right after a forced full GC, at 50,000 and at the end: what is still
   * retained. Flat while RSS grows means GC and allocator headroom, not a leak.
   */
  heapAfterGcAt50kMb: number;
  heapAfterGcEndMb: number;
  msgsPerSec: number;
}

/** heapUsed after a full GC; the child of a memory run gets `--expose-gc` for it (bench/run.mjs). */
function retainedHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the memory run needs node --expose-gc');
  gc();
  return process.memoryUsage().heapUsed;
}

/** Starts the consumer with `record` as its handler, then waits until a probe gets through. */
async function startFlowing(scenario: Scenario, tracker: ReceiptTracker, record: (event: ReturnType<typeof makeOrder>) => void): Promise<void> {
  await scenario.start(record);
  const deadline = Date.now() + PROBE_TIMEOUT_MS;
  // Probes carry seq ≥ expected, which the tracker counts apart: lossy brokers (core NATS, Redis
  // Pub/Sub) drop what is published before the subscription is live, persistent ones keep it.
  for (let probe = tracker.expected; tracker.probes === 0; probe++) {
    if (Date.now() > deadline) throw new Error(`consumer not receiving after ${PROBE_TIMEOUT_MS} ms`);
    await scenario.publish(makeOrder(probe, performance.now()));
    await sleep(PROBE_EVERY_MS);
  }
}

function assertDelivery(tracker: ReceiptTracker, allowDuplicates: boolean): void {
  if (tracker.duplicates > 0 && !allowDuplicates) {
    throw new Error(`${tracker.duplicates} duplicate deliveries on a broker that should deliver exactly once here`);
  }
}

export async function measureThroughput(scenario: Scenario, n: number, warmup: number, allowDuplicates: boolean, hooks?: PhaseHooks): Promise<ThroughputResult> {
  const total = warmup + n;
  const tracker = new ReceiptTracker(total);
  await startFlowing(scenario, tracker, (event) => tracker.record(event.seq));
  const window = new PublishWindow(WINDOW, tracker);
  const publish = (seq: number) => scenario.publish(makeOrder(seq, performance.now()));

  await Promise.all([window.run(0, warmup, publish), awaitReceipts(tracker, warmup, STALL_MS, 0, warmup)]);

  await hooks?.beforeMeasure();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all([window.run(warmup, total, publish), awaitReceipts(tracker, total, STALL_MS, 0, total)]);
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  await hooks?.afterMeasure();

  await sleep(DUPLICATE_GRACE_MS);
  assertDelivery(tracker, allowDuplicates);
  return {
    n,
    wallMs,
    msgsPerSec: n / (wallMs / 1000),
    cpuUsPerMsg: (used.user + used.system) / n,
    cpuUserUsPerMsg: used.user / n,
    cpuSystemUsPerMsg: used.system / n,
    duplicates: tracker.duplicates,
    rssMb: process.memoryUsage().rss / 2 ** 20,
  };
}

/** Publishes `rate` events per second for `seconds`, unwindowed (the rate is the bound). */
export async function measureLatency(scenario: Scenario, rate: number, seconds: number, warmup: number, allowDuplicates: boolean): Promise<LatencyResult> {
  const count = Math.round(rate * seconds);
  const total = warmup + count;
  const tracker = new ReceiptTracker(total);
  const latencies = new Float64Array(count);
  await startFlowing(scenario, tracker, (event) => {
    if (event.seq >= warmup && event.seq < total) latencies[event.seq - warmup] ||= performance.now() - event.sentAt;
    tracker.record(event.seq);
  });
  const publish = (seq: number) => scenario.publish(makeOrder(seq, performance.now()));
  await Promise.all([new PublishWindow(WINDOW, tracker).run(0, warmup, publish), awaitReceipts(tracker, warmup, STALL_MS, 0, warmup)]);

  let failure: unknown;
  const onFailed = (error: unknown) => void (failure ??= error);
  // At most WINDOW.publishes outstanding, as in throughput runs (and in FastStream's twin): an
  // implementation slower than `rate` waits instead of piling up publishes without bound.
  let outstanding = 0;
  const settled = () => void outstanding--;
  const received = awaitReceipts(tracker, total, STALL_MS, 0, total);
  const started = performance.now();
  for (let sent = 0; sent < count; ) {
    if (failure) throw failure;
    const due = Math.min(count, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
    while (sent < due && outstanding < WINDOW.publishes) {
      outstanding++;
      publish(warmup + sent++).then(settled, (error: unknown) => {
        settled();
        onFailed(error);
      });
    }
    await sleep(1);
  }
  // A publish that failed is why its event never arrives: report that rather than the stall.
  await received.catch((error: unknown) => {
    throw failure ?? error;
  });
  if (failure) throw failure;
  await sleep(DUPLICATE_GRACE_MS);
  assertDelivery(tracker, allowDuplicates);
  const sorted = latencies.sort();
  return {
    n: count,
    rate,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted[sorted.length - 1] ?? 0,
    duplicates: tracker.duplicates,
  };
}

/** A long windowed run sampling RSS: does anything grow per message? */
export async function measureMemory(scenario: Scenario, n: number, allowDuplicates: boolean): Promise<MemoryResult> {
  const baselineAt = Math.min(50_000, Math.floor(n / 10));
  const tracker = new ReceiptTracker(n);
  let atBaseline = 0;
  let heapAtBaseline = 0;
  let peak = 0;
  let peakAfterBaseline = 0;
  const sample = () => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
    if (atBaseline > 0 && rss > peakAfterBaseline) peakAfterBaseline = rss;
  };
  await startFlowing(scenario, tracker, (event) => {
    tracker.record(event.seq);
    if (tracker.distinct === baselineAt && atBaseline === 0) {
      atBaseline = process.memoryUsage.rss();
      heapAtBaseline = retainedHeap();
    }
  });
  const sampler = setInterval(sample, 50);
  const started = performance.now();
  const publish = (seq: number) => scenario.publish(makeOrder(seq, performance.now()));
  await Promise.all([new PublishWindow(WINDOW, tracker).run(0, n, publish), awaitReceipts(tracker, n, STALL_MS, 0, n)]);
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  sample();
  assertDelivery(tracker, allowDuplicates);
  const heapAtEnd = retainedHeap();
  const mb = (bytes: number) => bytes / 2 ** 20;
  return {
    n,
    rssAtFirst50kMb: mb(atBaseline),
    peakRssMb: mb(peak),
    endRssMb: mb(process.memoryUsage.rss()),
    growthMb: mb(Math.max(0, peakAfterBaseline - atBaseline)),
    heapAfterGcAt50kMb: mb(heapAtBaseline),
    heapAfterGcEndMb: mb(heapAtEnd),
    msgsPerSec: n / (wallMs / 1000),
  };
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
