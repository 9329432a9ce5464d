import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createExampleApp, type ExampleApp } from './example-app.js';
import { packLibrary, ROOT, type PackedLibrary } from './pack-library.js';

// What a user gets from npm: the tarball `npm pack` builds (prepack), installed into fresh apps
// whose test set-ups are the ones docs/testing.md shows. Needs the npm registry (or a warm cache).
let packed: PackedLibrary;
let jestApp: ExampleApp;
let vitestApp: ExampleApp;

beforeAll(async () => {
  packed = await packLibrary();
  // Installing is mostly waiting on the network: both apps at once.
  [jestApp, vitestApp] = await Promise.all([
    createExampleApp('jest-cjs', packed.tarball, '@jest/globals'),
    createExampleApp('vitest', packed.tarball, 'vitest'),
  ]);
}, 170_000);

afterAll(async () => {
  for (const dir of [jestApp?.dir, vitestApp?.dir, packed && dirname(packed.tarball)]) {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
});

describe('the packed tarball', () => {
  it('holds the built entry points with their typings, and no tests or TypeScript sources', () => {
    expect(packed.files).toEqual(expect.arrayContaining(['package.json', 'dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/lib/testing/index.js', 'dist/lib/testing/index.d.ts']));
    expect(packed.files.filter((file) => !file.startsWith('dist/lib/') && file !== 'package.json' && file !== 'README.md')).toEqual([]);
    expect(packed.files.filter((file) => /\.spec\.|(^|\/)test\//.test(file))).toEqual([]);
    expect(packed.files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
  });

  it('ships source maps that carry their sources, so stack traces can show lib/*.ts', async () => {
    const map = JSON.parse(await readFile(join(ROOT, 'dist/lib/index.js.map'), 'utf8')) as { sources: string[]; sourcesContent?: string[] };
    expect(packed.files).toContain('dist/lib/index.js.map');
    expect(map.sources).toEqual(['../../lib/index.ts']);
    expect(map.sourcesContent?.[0]).toBe(await readFile(join(ROOT, 'lib/index.ts'), 'utf8'));
  });
});

describe('apps built from the tarball', () => {
  it('a Nest 11 CommonJS app runs its TestBroker spec under jest in ESM mode', async () => {
    expect(await jestApp.test()).toMatch(/Tests:\s+2 passed, 2 total/);
  });

  it('a Nest 12 ESM app runs the same spec under vitest (swc for decorator metadata)', async () => {
    expect(await vitestApp.test()).toMatch(/Tests\s+2 passed \(2\)/);
  });

  it('docs/testing.md shows the set-up files these apps use', async () => {
    const page = await readFile(join(ROOT, 'docs/testing.md'), 'utf8');
    for (const file of ['jest-cjs/jest.config.cjs', 'jest-cjs/tsconfig.spec.json', 'vitest/vitest.config.ts']) {
      expect({ file, shown: page.includes(await readFile(join(ROOT, 'test/packaging/apps', file), 'utf8')) }).toEqual({ file, shown: true });
    }
  });
});
