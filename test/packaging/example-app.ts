import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify, stripVTControlCharacters } from 'node:util';
import { ROOT } from './pack-library.js';

const run = promisify(execFile);

export interface ExampleApp {
  readonly dir: string;
  /** Runs the app's `npm test`; rejects with its output when it fails. */
  test(): Promise<string>;
}

/**
 * A user's app in a temp dir: test/packaging/apps/<template> (package.json and test set-up)
 * plus the testing page's example app and spec (docs/examples/testing/) in src/, with
 * nestream installed from the packed tarball and everything else from the npm registry
 * (--prefer-offline: the shared npm cache answers what it already holds).
 */
export async function createExampleApp(template: string, tarball: string, specImport: string): Promise<ExampleApp> {
  const dir = await mkdtemp(join(tmpdir(), `nestream-${template}-`));
  await cp(join(ROOT, 'test/packaging/apps', template), dir, { recursive: true });
  await mkdir(join(dir, 'src'));
  const examples = join(ROOT, 'docs/examples/testing');
  await cp(join(examples, 'orders.module.ts'), join(dir, 'src/orders.module.ts'));
  const spec = await readFile(join(examples, 'orders.spec.ts'), 'utf8');
  await writeFile(join(dir, 'src/orders.spec.ts'), spec.replace("from '@jest/globals'", `from '${specImport}'`));
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  return {
    dir,
    async test() {
      try {
        // Test runners colour their summary when CI is set (as in .ci/run), even without a TTY:
        // asked not to, and any colour left stripped, so the summary can be matched as text.
        const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
        const { stdout, stderr } = await run('npm', ['test'], { cwd: dir, env, maxBuffer: 16 * 1024 * 1024 });
        return stripVTControlCharacters(stdout + stderr);
      } catch (error) {
        const failed = error as { stdout?: string; stderr?: string };
        throw new Error(`npm test failed in ${dir}:\n${failed.stdout ?? ''}${failed.stderr ?? ''}`);
      }
    },
  };
}
