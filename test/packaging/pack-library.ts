import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

export interface PackedLibrary {
  /** Absolute path of the .tgz `npm pack` wrote. */
  readonly tarball: string;
  /** Every path in the tarball, relative to its `package/` root. */
  readonly files: readonly string[];
}

/** `npm pack` as a publish would run it: prepack builds dist/ first. */
export async function packLibrary(): Promise<PackedLibrary> {
  const destination = await mkdtemp(join(tmpdir(), 'nestream-pack-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', destination], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  // npm prints the prepack script's output before the JSON on stdout.
  const [report] = JSON.parse(stdout.slice(stdout.indexOf('[\n'))) as { filename: string; files: { path: string }[] }[];
  return { tarball: join(destination, report!.filename), files: report!.files.map((file) => file.path) };
}
