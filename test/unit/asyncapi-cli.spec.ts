import 'reflect-metadata';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NestreamAsyncApi } from '../../lib/index.js';
import { AppModule } from '../../sample/app.module.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// The package's layout (lib/ as `npm run build` writes it to dist/, the sample beside it), in
// a folder of this test's own so parallel tests never share dist/.
const BUILD = join(ROOT, '.cache', 'asyncapi-cli');
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function nestream(...args: string[]): Promise<Run> {
  const bin = join(BUILD, PACKAGE.bin.nestream!.replace(/^\.\/dist\//, ''));
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('npx nestream asyncapi', () => {
  const sampleModule = join(BUILD, 'sample', 'app.module.js');
  let scratch: string;

  beforeAll(() => {
    // Emit only (no type check: `npm run typecheck` does that), as the package's build does.
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'test/support/tsconfig.cli.json', '--outDir', BUILD, '--noCheck'], { cwd: ROOT, stdio: 'pipe' });
    scratch = mkdtempSync(join(tmpdir(), 'nestream-cli-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('is the package bin, built from lib/cli.ts into dist/', () => {
    expect(PACKAGE.bin).toEqual({ nestream: './dist/lib/cli.js' });
  });

  it('prints the document of the built sample module as JSON, the one NestreamAsyncApi.fromModule builds', async () => {
    const run = await nestream('asyncapi', sampleModule, '--format', 'json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout);
    expect(Object.keys(printed.servers)).toEqual(['main', 'events']);
    expect(Object.keys(printed.channels)).toEqual(expect.arrayContaining(['main.user.created', 'main.user.created.dlq', 'events.onboarding.started']));
    expect(printed).toEqual(JSON.parse(JSON.stringify(await NestreamAsyncApi.fromModule(AppModule))));
  });

  it('prints YAML by default, the same document', async () => {
    const [yaml, json] = await Promise.all([nestream('asyncapi', sampleModule), nestream('asyncapi', sampleModule, '-f', 'json')]);
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toMatch(/^asyncapi: 3\.0\.0\n/);
    expect(parse(yaml.stdout)).toEqual(JSON.parse(json.stdout));
  });

  it('takes the export by name and writes to --output', async () => {
    const out = join(scratch, 'asyncapi.json');
    const run = await nestream('asyncapi', `${sampleModule}#AppModule`, '--format', 'json', '--output', out);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).info.title).toBe('users');
  });

  it('says what is wrong, with a non-zero exit', async () => {
    const badFormat = await nestream('asyncapi', sampleModule, '--format', 'xml');
    expect(badFormat).toMatchObject({ code: 2, stdout: '' });
    expect(badFormat.stderr).toContain("--format is yaml or json, not 'xml'");
    const noModule = await nestream('asyncapi');
    expect(noModule.code).toBe(2);
    expect(noModule.stderr).toContain('Usage: nestream asyncapi <module file>');
    const badExport = await nestream('asyncapi', `${sampleModule}#Nope`);
    expect(badExport.code).toBe(1);
    expect(badExport.stderr).toContain("has no export 'Nope'; it exports AppModule");
    const typescript = await nestream('asyncapi', 'sample/app.module.ts');
    expect(typescript.code).toBe(1);
    expect(typescript.stderr).toContain('A TypeScript module needs a loader with decorator support');
  });
});
