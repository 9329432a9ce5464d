import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root (this file is test/cluster/targets/cluster-script.ts). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** Where test/brokers/cluster keeps each cluster's data and pid files. */
export const CLUSTER_DIR = join(ROOT, '.brokers/cluster');

/**
 * `test/brokers/cluster up <name>`: idempotent, so after a kill it starts only the missing node
 * and returns once the script's own readiness check passed.
 */
export async function clusterUp(name: string, timeoutMs = 180_000): Promise<void> {
  await run('bash', [join(ROOT, 'test/brokers/cluster'), 'up', name], { cwd: ROOT, timeout: timeoutMs });
}

/** SIGKILL of the process a pid file names (nothing flushed), resolved once it is gone. */
export async function killByPidFile(pidFile: string, timeoutMs = 10_000): Promise<void> {
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`${pidFile} names no process`);
  process.kill(pid, 'SIGKILL');
  await waitUntil(`pid ${pid} (${pidFile}) to exit`, timeoutMs, 20, () => !alive(pid));
}

/** Polls `check` until it holds; fails after `timeoutMs` with what it waited for and the last error. */
export async function waitUntil(what: string, timeoutMs: number, intervalMs: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
