import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/**
 * The layers of lib/, lowest first (DESIGN.md's layout): a file may import from its own layer
 * and the layers below it, never above. Broker folders sit beside the layers: they import only
 * core/ and transports/kit/, and only the composition root (module/) and testing/ may import a
 * broker folder (the in-memory transport is the default and the test broker).
 */
export const LAYERS = [
  'core',
  'config',
  'decorators',
  'contracts',
  'interceptors',
  'observability',
  'publishing',
  'consume',
  'discovery',
  'health',
  'outbox',
  'asyncapi',
  'dead-letters',
  'module',
  'testing',
] as const;

export interface ImportEdge {
  readonly from: string;
  readonly to: string;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** Every relative import between files of `libDir`, as paths relative to it. */
export function importEdges(libDir: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const source = readFileSync(path, 'utf8');
        for (const match of source.matchAll(IMPORT)) {
          const spec = match[1] ?? match[2]!;
          edges.push({ from: relative(libDir, path), to: normalize(relative(libDir, join(dirname(path), spec))) });
        }
      }
    }
  };
  walk(libDir);
  return edges;
}

/** The unit an import is judged by: a layer name, 'transports/kit', 'transports/<broker>', or 'root' for lib/*.ts. */
export function unitOf(path: string): string {
  const parts = path.split('/');
  if (parts.length === 1) return 'root';
  if (parts[0] === 'transports') return `transports/${parts[1]}`;
  return parts[0]!;
}

/** Why an import breaks the layering, or undefined when it is allowed. */
export function violation({ from, to }: ImportEdge): string | undefined {
  const source = unitOf(from);
  const target = unitOf(to);
  if (source === target) return undefined;
  // lib/index.ts and the subpath entry files are the public face: they may re-export anything.
  if (source === 'root' || from.endsWith('/index.ts')) return undefined;
  if (target === 'root') return `${from} imports the package root ${to}`;
  if (source.startsWith('transports/')) {
    if (target === 'core' || target === 'transports/kit') return undefined;
    return `${from} (a transport) imports ${to}; transports import only core/ and transports/kit/`;
  }
  if (target.startsWith('transports/')) {
    if (target === 'transports/memory' && (source === 'module' || source === 'testing')) return undefined;
    return `${from} imports broker code ${to}; only module/ and testing/ may (the in-memory default)`;
  }
  const s = LAYERS.indexOf(source as (typeof LAYERS)[number]);
  const t = LAYERS.indexOf(target as (typeof LAYERS)[number]);
  if (s < 0) return `${from} is in ${source}/, which is not a layer of DESIGN.md's layout`;
  if (t < 0) return `${from} imports ${to} in ${target}/, which is not a layer`;
  return t > s ? `${from} (${source}/) imports ${to} from the higher layer ${target}/` : undefined;
}
