import 'reflect-metadata';
import { Controller, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import request from 'supertest';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from '@jest/globals';
import { EventContract, NestreamAsyncApi, NestreamModule, Subscriber } from '../../lib/index.js';

const HOSTILE = '</script><script>window.pwned = true</script>';

@EventContract('notes.added', { description: `A note was added. ${HOSTILE}` })
class NoteAdded {
  @IsString() text!: string;
}

@Controller()
class NoteHandlers {
  @Subscriber(NoteAdded)
  onNote() {}
}

@Module({ imports: [NestreamModule.forRoot({ serviceName: 'notes' })], controllers: [NoteHandlers] })
class NotesModule {}

async function notesApp(init = true): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [NotesModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  NestreamAsyncApi.setup('/docs/', app, { version: '2.1.0' });
  if (init) await app.init();
  return app;
}

describe('NestreamAsyncApi.setup', () => {
  let app: INestApplication | undefined;
  afterEach(() => app?.close());

  it('serves <path>.json and <path>.yaml: the document of the running app', async () => {
    app = await notesApp();
    const json = await request(app.getHttpServer()).get('/docs.json').expect(200).expect('content-type', /^application\/json/);
    expect(json.body).toEqual(JSON.parse(JSON.stringify(NestreamAsyncApi.createDocument(app, { version: '2.1.0' }))));
    expect(json.body.info).toMatchObject({ title: 'notes', version: '2.1.0' });
    const yaml = await request(app.getHttpServer()).get('/docs.yaml').expect(200).expect('content-type', /^application\/yaml/);
    expect(parse(yaml.text)).toEqual(json.body);
  });

  it('serves the page with the document embedded, no string in it able to end the script element', async () => {
    app = await notesApp();
    const page = await request(app.getHttpServer()).get('/docs').expect(200).expect('content-type', /^text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'.*script-src 'self' 'unsafe-eval'.*connect-src 'self'/);
    expect(page.text).not.toContain(HOSTILE);
    const embedded = /<script id="asyncapi-document" type="application\/json">(.*?)<\/script>/s.exec(page.text)![1]!;
    expect(JSON.parse(embedded).components.messages.NoteAdded.description).toBe(`A note was added. ${HOSTILE}`);
    expect(page.text).toContain('<script src="/docs/assets/asyncapi-standalone.js"></script>');
    expect(page.text).toContain('<link rel="stylesheet" href="/docs/assets/asyncapi.css">');
    // Nothing the page loads is off this app: every src and href is a path of its own, or data:.
    const urls = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(urls.filter((url) => !url.startsWith('/docs/') && !url.startsWith('data:'))).toEqual([]);
  });

  it('serves the React component bundle and stylesheet from node_modules, and the script that renders the page', async () => {
    app = await notesApp();
    const require = createRequire(import.meta.url);
    const bundle = readFileSync(require.resolve('@asyncapi/react-component/browser/standalone/index.js'), 'utf8');
    const script = await request(app.getHttpServer()).get('/docs/assets/asyncapi-standalone.js').expect(200).expect('content-type', /^text\/javascript/);
    expect(script.text).toBe(bundle);
    const css = await request(app.getHttpServer()).get('/docs/assets/asyncapi.css').expect(200).expect('content-type', /^text\/css/);
    expect(css.text).toBe(readFileSync(require.resolve('@asyncapi/react-component/styles/default.min.css'), 'utf8'));
    const boot = await request(app.getHttpServer()).get('/docs/assets/boot.js').expect(200);
    expect(boot.text).toContain('AsyncApiStandalone.render');
  });

  it('answers 500 with the reason when asked before the app resolved its handlers', async () => {
    app = await notesApp(false);
    const early = await request(app.getHttpServer()).get('/docs.json').expect(500);
    expect(early.text).toContain('handler bindings are resolved at module init');
    await app.init();
    await request(app.getHttpServer()).get('/docs.json').expect(200);
  });
});
