// Turns the runs into the results: per broker the median of the throughput repetitions, CPU per
// message, latency, and the ratios nestream/raw and nestream/nest; printed as a table, written
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

export function ratios(row) {
  const { nestream, raw, nest } = row;
  return {
    throughputVsRaw: nestream && raw ? round(nestream.msgsPerSec / raw.msgsPerSec, 2) : null,
    cpuDeltaVsRawUs: nestream && raw ? round(nestream.cpuUsPerMsg - raw.cpuUsPerMsg, 1) : null,
    throughputVsNest: nestream && nest ? round(nestream.msgsPerSec / nest.msgsPerSec, 2) : null,
    cpuVsNest: nestream && nest ? round(nestream.cpuUsPerMsg / nest.cpuUsPerMsg, 2) : null,
  };
}

const fmt = (v, unit = '') => (v === null || v === undefined ? 'n/a' : `${v.toLocaleString('en-US')}${unit}`);
const lat = (s) => (s?.latency ? `${s.latency.p50Ms} / ${s.latency.p99Ms}` : 'n/a');

/** Markdown table: one line per broker, the three implementations side by side. */
export function table(rows) {
  const lines = [
    '| broker | msgs/s nestream | msgs/s raw | msgs/s nest | nestream/raw | nestream/nest | CPU µs/msg nestream | raw | nest | p50 / p99 ms nestream | raw | nest |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    if (row.error) {
      lines.push(`| ${row.broker} | FAILED: ${row.error.replace(/\|/g, '/').slice(0, 200)} |||||||||||`);
      continue;
    }
    const r = row.ratios;
    lines.push(
      `| ${row.broker} | ${fmt(row.nestream?.msgsPerSec)} | ${fmt(row.raw?.msgsPerSec)} | ${fmt(row.nest?.msgsPerSec)} | ` +
        `${fmt(r.throughputVsRaw, '×')} | ${fmt(r.throughputVsNest, '×')} | ` +
        `${fmt(row.nestream?.cpuUsPerMsg)} | ${fmt(row.raw?.cpuUsPerMsg)} | ${fmt(row.nest?.cpuUsPerMsg)} | ` +
        `${lat(row.nestream)} | ${lat(row.raw)} | ${lat(row.nest)} |`,
    );
  }
  return lines.join('\n');
}

export function memoryLine(memory) {
  if (!memory) return '';
  if (memory.error) return `Memory run FAILED: ${memory.error}`;
  return (
    `Memory (nestream, in-memory transport, ${memory.n.toLocaleString('en-US')} messages): peak RSS ${round(memory.peakRssMb, 0)} MB, ` +
    `RSS after the first ${Math.min(50_000, memory.n / 10).toLocaleString('en-US')} ${round(memory.rssAtFirst50kMb, 0)} MB, ` +
    `growth after that ${round(memory.growthMb, 1)} MB (end ${round(memory.endRssMb, 0)} MB), ${Math.round(memory.msgsPerSec).toLocaleString('en-US')} msgs/s.`
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
