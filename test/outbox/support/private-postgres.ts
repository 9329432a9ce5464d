import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../brokers/server-process.js';

const BIN = (() => {
  const out = execFileSync('bash', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1'], { encoding: 'utf8' }).trim();
  if (!out) throw new Error('no PostgreSQL server installed (run test/brokers/postgres once)');
  return out;
})();

/** PostgreSQL refuses to run as root: run its programs as the Debian `postgres` user then. */
function asOwner(program: string, args: string[]): void {
  const [command, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', join(BIN, program), ...args]] : [join(BIN, program), args];
  execFileSync(command as string, argv as string[], { stdio: 'ignore', timeout: 60_000 });
}

/**
 * A PostgreSQL cluster of a test's own on a free loopback port and a temp dir, so it can be
 * stopped and started mid-run without touching the shared one on 5433. `destroy()` deletes it.
 */
export class PrivatePostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async create(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'nestream-pg-'));
    if (process.getuid?.() === 0) chownSync(dir, uidOf('postgres'), gidOf('postgres'));
    asOwner('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '--no-sync']);
    const pg = new PrivatePostgres(await freePort(), dir);
    await pg.start();
    return pg;
  }

  async start(): Promise<void> {
    asOwner('pg_ctl', ['-D', join(this.dir, 'data'), '-l', join(this.dir, 'log'), '-w', '-t', '60',
      '-o', `-c listen_addresses=127.0.0.1 -p ${this.port} -c unix_socket_directories=${this.dir} -c fsync=off`, 'start']);
  }

  /** A fast shutdown: sessions are cut off, as in a restart or failover. */
  async stop(): Promise<void> {
    asOwner('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'fast', '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    try {
      await this.stop();
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
}
function gidOf(user: string): number {
  return Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
}
