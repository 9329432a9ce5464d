import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ConformanceTarget } from './target.js';

const DIR = fileURLToPath(new URL('./targets/', import.meta.url));

/** Every target defined in ./targets (a file may export one target or several). */
export async function loadTargets(): Promise<ConformanceTarget[]> {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts')).sort();
  // One at a time: jest's ESM loader fails when two targets import the same module concurrently (both Kafka targets load lib/transports/kafka).
  const modules: { default: ConformanceTarget | ConformanceTarget[] }[] = [];
  for (const f of files) modules.push((await import(`./targets/${f.replace(/\.ts$/, '.js')}`)) as { default: ConformanceTarget | ConformanceTarget[] });
  return modules.flatMap((m) => m.default);
}

export async function loadTarget(name: string): Promise<ConformanceTarget> {
  const targets = await loadTargets();
  const target = targets.find((t) => t.name === name);
  if (!target) throw new Error(`Unknown conformance target '${name}'; known: ${targets.map((t) => t.name).join(', ')}`);
  return target;
}
