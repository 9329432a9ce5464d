// Reads a V8 .cpuprofile (node --cpu-prof) and lists where the time went: top functions by
// self time, and self time per origin (nestream's lib/, each package, Node internals, GC).
import { readFileSync } from 'node:fs';

export function summarizeProfile(path, top = 30) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const totalUs = profile.endTime - profile.startTime;
  const sampleUs = totalUs / Math.max(1, profile.samples.length);
  const byFunction = new Map();
  const byOrigin = new Map();
  for (const node of profile.nodes) {
    if (!node.hitCount) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + node.hitCount);
    const origin = originOf(url, functionName);
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + node.hitCount);
  }
  const samples = profile.samples.length;
  const pct = (hits) => ((100 * hits) / samples).toFixed(1).padStart(5) + '%';
  const ms = (hits) => ((hits * sampleUs) / 1000).toFixed(0).padStart(6) + ' ms';
  const lines = ['self time by origin:'];
  for (const [origin, hits] of [...byOrigin].sort((a, b) => b[1] - a[1]).slice(0, 15)) lines.push(`  ${pct(hits)} ${ms(hits)}  ${origin}`);
  lines.push(`top ${top} functions by self time:`);
  for (const [key, hits] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(hits)} ${ms(hits)}  ${key}`);
  return lines.join('\n');
}

function shortUrl(url) {
  if (!url) return '';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const lib = url.search(/\/(lib|bench|test)\//);
  return lib >= 0 ? url.slice(lib + 1) : url.replace(/^file:\/\//, '');
}

function originOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native / builtins)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node internals';
  const m = url.match(/\/(lib\/[^/]+(?:\/[^/]+)?)\//);
  if (m) return m[1];
  if (url.includes('/bench/')) return 'bench (workload)';
  return shortUrl(url);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  console.log(summarizeProfile(process.argv[2], Number(process.argv[3] ?? 30)));
}
