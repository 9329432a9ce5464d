import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The processes `test/brokers/cluster` starts, as the targets drive them: each node's pid file
 * under `.brokers/cluster/<cluster>/<node>/pid`, and the script itself to start a node again.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CLUSTER_SCRIPT = join(ROOT, 'test/brokers/cluster');
export const CLUSTER_DIR = join(ROOT, '.brokers/cluster');

const run = promisify(execFile);

export const pidFileOf = (cluster: string, node: string): string => join(CLUSTER_DIR, cluster, node, 'pid');

/** SIGKILL of the node's process; resolves once it is dead. Its pid file goes too: PID 1 here may never reap it, and the script takes a zombie for a running node. */
export async function killNode(cluster: string, node: string): Promise<void> {
  const file = pidFileOf(cluster, node);
  if (!existsSync(file)) throw new Error(`${cluster} node ${node} is not running (no ${file})`);
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`${file} holds no pid`);
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 10_000;
  while (running(pid)) {
    if (Date.now() > deadline) throw new Error(`${cluster} node ${node} (pid ${pid}) still running 10 s after SIGKILL`);
    await new Promise((done) => setTimeout(done, 20));
  }
  rmSync(file, { force: true });
}

/** `test/brokers/cluster up <cluster>`: starts the nodes that are not running (the rest are left alone) and waits until the cluster is whole. */
export async function clusterUp(cluster: string, timeoutMs = 180_000): Promise<void> {
  try {
    await run('bash', [CLUSTER_SCRIPT, 'up', cluster], { cwd: ROOT, timeout: timeoutMs });
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`test/brokers/cluster up ${cluster} failed: ${stderr?.trim() || String(error)}`, { cause: error });
  }
}

/** Alive and not a zombie (a dead process PID 1 has not reaped yet). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

export async function eventually<T>(what: string, timeoutMs: number, attempt: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((done) => setTimeout(done, 250));
  }
}
