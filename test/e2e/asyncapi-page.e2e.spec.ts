import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Parser } from '@asyncapi/parser';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer-core';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AsyncApiDocument } from '../../lib/index.js';
import { AppModule } from '../../sample/app.module.js';
import { serveAsyncApi } from '../../sample/asyncapi.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Git-ignored: the screenshot each run leaves behind (docs/asyncapi-page.png is a committed copy). */
const ARTIFACTS = `${ROOT}test/artifacts`;

/** The sample as `npm run sample` runs it (in-memory transports), with its AsyncAPI document served. */
describe('the AsyncAPI document and page of the sample', () => {
  let app: INestApplication;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    // Debian's chromium, installed by the project's own script if missing; puppeteer-core downloads nothing.
    execFileSync(`${ROOT}test/support/install-chromium`, { stdio: 'inherit', timeout: 600_000 });
    app = await NestFactory.create(AppModule, { logger: false });
    serveAsyncApi(app);
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function get(path: string): Promise<{ status: number; type: string; body: string; headers: Headers }> {
    const response = await fetch(`${base}${path}`);
    return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.text(), headers: response.headers };
  }

  it('/asyncapi.json passes the AsyncAPI parser with no errors or warnings', async () => {
    const json = await get('/asyncapi.json');
    expect(json.status).toBe(200);
    expect(json.type).toMatch(/^application\/json/);
    const { document, diagnostics } = await new Parser().parse(json.body);
    expect(diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`)).toEqual([]);
    expect(document!.channels().all().map((c) => c.address())).toEqual(expect.arrayContaining(['user.created', 'user.created.dlq', 'onboarding.started', 'onboarding.started.dlq']));
    expect(document!.servers().all().map((s) => s.id())).toEqual(['main', 'events']);
  });

  it('/asyncapi.yaml is the same document', async () => {
    const [yaml, json] = await Promise.all([get('/asyncapi.yaml'), get('/asyncapi.json')]);
    expect(yaml.status).toBe(200);
    expect(yaml.type).toMatch(/^application\/yaml/);
    expect(parse(yaml.body)).toEqual(JSON.parse(json.body));
  });

  it('the page renders every channel and server in headless Chromium, loading nothing from outside the app', async () => {
    const doc = JSON.parse((await get('/asyncapi.json')).body) as AsyncApiDocument;
    const page = await browser.newPage();
    await page.setViewport({ width: 1600, height: 1000 });
    const outside: string[] = [];
    const problems: string[] = [];
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      if (request.url().startsWith(`${base}/`) || request.url().startsWith('data:')) return void request.continue();
      outside.push(request.url());
      void request.abort();
    });
    page.on('pageerror', (error) => problems.push(`page error: ${(error as Error).message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });

    const response = await page.goto(`${base}/asyncapi`, { waitUntil: 'networkidle0' });
    expect(response!.status()).toBe(200);
    expect(response!.headers()['content-security-policy']).toContain("default-src 'none'");
    const addresses = Object.values(doc.channels).map((channel) => channel.address);
    // Evaluated in the page (a string: this file is compiled without the DOM types).
    await page.waitForFunction(`${JSON.stringify(addresses)}.every((a) => (document.getElementById('asyncapi')?.innerText ?? '').includes(a))`, { timeout: 60_000 });
    const text = await page.$eval('#asyncapi', (root) => (root as HTMLElement).innerText);
    for (const address of addresses) expect(text).toContain(address);
    for (const id of Object.keys(doc.operations)) expect(text).toContain(id);
    expect(text).toContain('nestream sample: users');
    expect(text.toLowerCase()).toContain('memory://in-process');
    // The sidebar lists the operations (the component shows it on wide screens).
    expect(await page.$eval('.sidebar', (sidebar) => (sidebar as HTMLElement).innerText)).toContain('user.created');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/asyncapi-page.png` });
    await page.screenshot({ path: `${ARTIFACTS}/asyncapi-page-full.png`, fullPage: true });
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
