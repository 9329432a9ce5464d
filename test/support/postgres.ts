import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../brokers/postgres', import.meta.url));
let cached: string | undefined;

/**
 * The PostgreSQL the tests use: DATABASE_URL when set, else the one test/brokers/postgres
 * starts on 127.0.0.1:5433 (installed and started on first use; idempotent, ~0.2 s when it runs).
 */
export function databaseUrl(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  if (cached) return cached;
  const output = execFileSync('bash', [SCRIPT], { encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = output.split('\n').find((l) => l.startsWith('DATABASE_URL='));
  if (!line) throw new Error(`test/brokers/postgres printed no DATABASE_URL:\n${output}`);
  return (cached = line.slice('DATABASE_URL='.length).trim());
}
