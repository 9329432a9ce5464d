#!/usr/bin/env node
// Keeps the code examples in the README and docs/ pages identical to files under docs/examples/,
// which `npm run typecheck` compiles (tsconfig.json maps the `nestream` imports to lib/). So an
// example a reader copies is one that compiled against this commit.
//
// In a page, an example is a marker line followed by a fenced block holding the file verbatim:
//
//   <!-- example: quick-start/app.module.ts -->
//   ```ts
//   ...contents of docs/examples/quick-start/app.module.ts...
//   ```
//
// Usage: node scripts/docs-examples.mjs --check   exit 1 and list every stale, missing or unused example
//        node scripts/docs-examples.mjs --write   paste each file into its pages
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLES = join(ROOT, 'docs', 'examples');
const MARKER = /^<!-- example: (\S+) -->$/;
const FENCE_OPEN = /^```(ts|typescript)$/;

function walk(dir, keep) {
  let found = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found = found.concat(walk(path, keep));
    else if (keep(name)) found.push(path);
  }
  return found;
}

/** The pages that may hold examples: the README and every markdown file under docs/. */
export function pages() {
  return [join(ROOT, 'README.md'), ...walk(join(ROOT, 'docs'), (n) => n.endsWith('.md'))];
}

/** Every example file, as its path relative to docs/examples/. */
export function exampleFiles() {
  return walk(EXAMPLES, (n) => n.endsWith('.ts')).map((p) => relative(EXAMPLES, p).split('\\').join('/'));
}

/**
 * One page with each marked block replaced by its file's contents. Problems are collected,
 * not thrown, so one run lists all of them.
 */
export function syncPage(text, page, problems, used) {
  const lines = text.split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    out.push(lines[i]);
    const marker = MARKER.exec(lines[i]);
    if (!marker) continue;
    const name = marker[1];
    const where = `${relative(ROOT, page)}:${i + 1}`;
    if (!FENCE_OPEN.test(lines[i + 1] ?? '')) {
      problems.push(`${where}: the example marker for ${name} must be followed by a \`\`\`ts fence`);
      continue;
    }
    const close = lines.findIndex((line, j) => j > i + 1 && line === '```');
    if (close < 0) {
      problems.push(`${where}: the fence after the marker for ${name} is never closed`);
      continue;
    }
    let body;
    try {
      body = readFileSync(join(EXAMPLES, name), 'utf8').replace(/\n$/, '');
    } catch {
      problems.push(`${where}: docs/examples/${name} does not exist`);
      continue;
    }
    used.add(name);
    out.push(lines[i + 1], ...body.split('\n'), '```');
    i = close;
  }
  return out.join('\n');
}

/** Stale, missing and unused examples across every page; `write` fixes the stale ones. */
export function syncAll({ write }) {
  const problems = [];
  const used = new Set();
  for (const page of pages()) {
    const text = readFileSync(page, 'utf8');
    const synced = syncPage(text, page, problems, used);
    if (synced === text) continue;
    if (write) writeFileSync(page, synced);
    else problems.push(`${relative(ROOT, page)}: an example differs from its file under docs/examples/ (run node scripts/docs-examples.mjs --write)`);
  }
  for (const file of exampleFiles()) {
    if (!used.has(file)) problems.push(`docs/examples/${file} is not shown on any page (add a marker or delete it)`);
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const write = process.argv.includes('--write');
  if (!write && !process.argv.includes('--check')) {
    console.error('usage: node scripts/docs-examples.mjs --check | --write');
    process.exit(2);
  }
  const problems = syncAll({ write });
  for (const problem of problems) console.error(problem);
  process.exit(problems.length ? 1 : 0);
}
