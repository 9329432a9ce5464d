// Runs jest as native ESM (Nest 12 is ESM-only); shared by the test entry points.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

export function jest(args, env = {}) {
  return run(process.execPath, ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', 'node_modules/jest/bin/jest.js', ...args], env);
}

/** Starts the named brokers (idempotent; env URLs skip them); exits on failure. */
export function brokersUp(names) {
  if (names.length === 0) return;
  const status = run('bash', ['test/brokers/up', ...names]);
  if (status !== 0) {
    console.error(`test/brokers/up ${names.join(' ')} failed (exit ${status})`);
    process.exit(status);
  }
}
