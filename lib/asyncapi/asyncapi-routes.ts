import type { HttpServer } from '@nestjs/common';
import { NestreamLogger } from '../core/logger.js';
import type { AsyncApiDocument } from './asyncapi-document.js';
import { asyncApiPage, BOOT_SCRIPT, PAGE_CSP } from './asyncapi-page.js';
import { CONTENT_TYPES, formatDocument } from './document-formats.js';
import { loadPageAssets, PAGE_PACKAGE, pageAssetPaths } from './page-assets.js';

type Body = () => Promise<string | undefined>;

const TEXT = 'text/plain; charset=utf-8';
const ASSET_HEADERS = { 'cache-control': 'public, max-age=3600' };

/**
 * The HTTP side of `NestreamAsyncApi.setup`, on Nest's HTTP adapter, so Express and Fastify
 * apps get the same routes. A body of `undefined` means the page's package is not installed.
 */
export class AsyncApiRoutes {
  private readonly urls: { script: string; styles: string; boot: string };

  constructor(
    private readonly adapter: HttpServer,
    private readonly base: string,
    private readonly document: () => AsyncApiDocument,
  ) {
    this.urls = { script: `${base}/assets/asyncapi-standalone.js`, styles: `${base}/assets/asyncapi.css`, boot: `${base}/assets/boot.js` };
  }

  register(): void {
    this.route(`${this.base}.json`, CONTENT_TYPES.json, async () => formatDocument(this.document(), 'json'));
    this.route(`${this.base}.yaml`, CONTENT_TYPES.yaml, async () => formatDocument(this.document(), 'yaml'));
    const page = async () => ((await loadPageAssets()) ? asyncApiPage(this.document(), this.urls) : undefined);
    this.route(this.base, 'text/html; charset=utf-8', page, { 'content-security-policy': PAGE_CSP });
    this.route(this.urls.script, 'text/javascript; charset=utf-8', async () => (await loadPageAssets())?.script, ASSET_HEADERS);
    this.route(this.urls.styles, 'text/css; charset=utf-8', async () => (await loadPageAssets())?.styles, ASSET_HEADERS);
    this.route(this.urls.boot, 'text/javascript; charset=utf-8', async () => BOOT_SCRIPT, ASSET_HEADERS);
    if (!pageAssetPaths()) {
      new NestreamLogger('NestreamAsyncApi').warn(`${this.base}: install ${PAGE_PACKAGE} for the page; ${this.base}.json and ${this.base}.yaml are served without it`);
    }
  }

  private route(url: string, contentType: string, body: Body, headers: Record<string, string> = {}): void {
    this.adapter.get(url, (_request: unknown, response: unknown) => void this.send(response, contentType, body, headers));
  }

  private async send(response: unknown, contentType: string, body: Body, headers: Record<string, string>): Promise<void> {
    try {
      const text = await body();
      if (text === undefined) {
        const missing = `The AsyncAPI page needs ${PAGE_PACKAGE} (npm install ${PAGE_PACKAGE}); the document is at ${this.base}.json and ${this.base}.yaml.\n`;
        return this.reply(response, 501, TEXT, missing);
      }
      for (const [name, value] of Object.entries(headers)) this.adapter.setHeader(response, name, value);
      this.reply(response, 200, contentType, text);
    } catch (error) {
      this.reply(response, 500, TEXT, `AsyncAPI document: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }

  private reply(response: unknown, status: number, contentType: string, text: string): void {
    this.adapter.setHeader(response, 'content-type', contentType);
    this.adapter.reply(response, text, status);
  }
}
