import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The published package (dist/) must load from a CommonJS app through require(esm). */
describe('CommonJS consumers', () => {
  it('require("nestream") works and a handler runs', () => {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
    const output = execFileSync(process.execPath, ['test/e2e/fixtures/commonjs-app.cjs'], { cwd: ROOT, encoding: 'utf8' });
    expect(output.trim().split('\n')).toEqual(['handled from commonjs', 'function']);
  });
});
