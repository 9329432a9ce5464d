// Turns the runs into the results: per broker the median of the throughput repetitions, CPU per
// message, latency, and nestream's ratio to each peer; printed as tables, written
// as JSON, and (full runs) put into bench/README.md between the results markers.
import { readFileSync, writeFileSync } from 'node:fs';

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One implementation's figures from its throughput runs and its latency run. */
export function summarize(runs, latency) {
  if (!runs || runs.length === 0) return null;
  return {
    msgsPerSec: Math.round(median(runs.map((r) => r.msgsPerSec))),
    cpuUsPerMsg: round(median(runs.map((r) => r.cpuUsPerMsg)), 1),
    runs: runs.map((r) => ({ msgsPerSec: Math.round(r.msgsPerSec), cpuUsPerMsg: round(r.cpuUsPerMsg, 1), duplicates: r.duplicates })),
    latency: latency ? { rate: latency.rate, n: latency.n, p50Ms: round(latency.p50Ms, 2), p99Ms: round(latency.p99Ms, 2), maxMs: round(latency.maxMs, 1) } : null,
  };
}

/** Throughput ratios of nestream to each peer (null where the peer has no such broker). */
export function ratios(row) {
  const { nestream, raw, nest, faststream } = row;
  const vs = (peer) => (nestream && peer ? round(nestream.msgsPerSec / peer.msgsPerSec, 2) : null);
  return {
    throughputVsRaw: vs(raw),
    cpuDeltaVsRawUs: nestream && raw ? round(nestream.cpuUsPerMsg - raw.cpuUsPerMsg, 1) : null,
    throughputVsNest: vs(nest),
    throughputVsNestValidation: vs(row['nest-validation']),
    throughputVsFaststream: vs(faststream),
    cpuVsNest: nestream && nest ? round(nestream.cpuUsPerMsg / nest.cpuUsPerMsg, 2) : null,
  };
}

const fmt = (v, unit = '') => (v === null || v === undefined ? 'n/a' : `${v.toLocaleString('en-US')}${unit}`);
const lat = (s) => (s?.latency ? `${s.latency.p50Ms} / ${s.latency.p99Ms}` : 'n/a');
/** A cell of an implementation whose run failed says so, rather than 'n/a' (which means: not run on this broker). */
const cell = (row, impl, text) => (row.failures?.[impl] ? 'FAILED' : text);
const PEERS = ['raw', 'nest', 'nest-validation', 'faststream'];
const LABEL = { nestream: 'nestream', raw: 'raw', nest: 'nest', 'nest-validation': 'nest+validation', faststream: 'FastStream' };

/**
 * Two markdown tables, one line per broker: throughput with nestream's ratio to each peer, then
 * CPU per message and latency of every implementation.
 */
export function table(rows) {
  const impls = ['nestream', ...PEERS];
  const throughput = [
    `| broker | ${impls.map((i) => `msgs/s ${LABEL[i]}`).join(' | ')} | ${PEERS.map((p) => `nestream/${LABEL[p]}`).join(' | ')} |`,
    `| --- |${' ---: |'.repeat(impls.length + PEERS.length)}`,
  ];
  const cost = [
    `| broker | ${impls.map((i) => `CPU µs/msg ${LABEL[i]}`).join(' | ')} | ${impls.map((i) => `p50 / p99 ms ${LABEL[i]}`).join(' | ')} |`,
    `| --- |${' ---: |'.repeat(impls.length * 2)}`,
  ];
  for (const row of rows) {
    const r = row.ratios;
    const vs = { raw: r.throughputVsRaw, nest: r.throughputVsNest, 'nest-validation': r.throughputVsNestValidation, faststream: r.throughputVsFaststream };
    throughput.push(`| ${row.broker} | ${impls.map((i) => cell(row, i, fmt(row[i]?.msgsPerSec))).join(' | ')} | ${PEERS.map((p) => cell(row, p, fmt(vs[p], '×'))).join(' | ')} |`);
    cost.push(`| ${row.broker} | ${impls.map((i) => cell(row, i, fmt(row[i]?.cpuUsPerMsg))).join(' | ')} | ${impls.map((i) => cell(row, i, lat(row[i]))).join(' | ')} |`);
  }
  const failures = rows.flatMap((row) => Object.entries(row.failures ?? {}).map(([impl, error]) => `- ${row.broker} ${LABEL[impl]} FAILED: ${error.replace(/\s+/g, ' ').slice(0, 300)}`));
  return [...throughput, '', ...cost, ...(failures.length ? ['', ...failures] : [])].join('\n');
}

export function memoryLine(memory) {
  if (!memory) return '';
  if (memory.error) return `Memory run FAILED: ${memory.error}`;
  return (
    `Memory (nestream, in-memory transport, ${memory.n.toLocaleString('en-US')} messages): peak RSS ${round(memory.peakRssMb, 0)} MB, ` +
    `RSS after the first ${Math.min(50_000, memory.n / 10).toLocaleString('en-US')} ${round(memory.rssAtFirst50kMb, 0)} MB, ` +
    `growth after that ${round(memory.growthMb, 1)} MB (end ${round(memory.endRssMb, 0)} MB), ${Math.round(memory.msgsPerSec).toLocaleString('en-US')} msgs/s` +
    (memory.heapAfterGcEndMb === undefined ? '.' : `; JS heap after a forced GC ${round(memory.heapAfterGcAt50kMb, 1)} MB at the baseline, ${round(memory.heapAfterGcEndMb, 1)} MB at the end.`)
  );
}

export function writeJson(path, result) {
  writeFileSync(path, JSON.stringify(result, null, 2) + '\n');
}

/** Replaces what is between the results markers in bench/README.md. */
export function updateReadme(path, markdown) {
  const text = readFileSync(path, 'utf8');
  const start = '<!-- results:start -->';
  const end = '<!-- results:end -->';
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1) throw new Error(`${path} lacks the ${start} / ${end} markers`);
  writeFileSync(path, text.slice(0, from + start.length) + '\n' + markdown + '\n' + text.slice(to));
}

function round(value, digits) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
