import type { INestApplication, INestApplicationContext, DynamicModule, Type } from '@nestjs/common';
import { ConfigurationError } from '../core/errors.js';
import { describeApp } from './app-description.js';
import type { AsyncApiDocument } from './asyncapi-document.js';
import type { AsyncApiOptions } from './asyncapi-options.js';
import { AsyncApiRoutes } from './asyncapi-routes.js';
import { describeModule } from './discovery-only.module.js';
import { buildAsyncApiDocument } from './document-builder.js';

/** The AsyncAPI document of a nestream app, served the way `@nestjs/swagger` serves OpenAPI. */
export class NestreamAsyncApi {
  /** The document of an initialised app (handlers are resolved at `app.init()` / `listen()`). */
  static createDocument(app: INestApplicationContext, options: AsyncApiOptions = {}): AsyncApiDocument {
    return buildAsyncApiDocument(describeApp(app), options);
  }

  /** The document of an app module, without connecting to any broker: what the CLI prints. */
  static async fromModule(module: Type | DynamicModule, options: AsyncApiOptions = {}): Promise<AsyncApiDocument> {
    return buildAsyncApiDocument(await describeModule(module), options);
  }

  /**
   * Serves `<path>` (the page), `<path>.json` and `<path>.yaml`, and the page's script and
   * styles under `<path>/assets/`. Call it before `listen()`; the document is built at the
   * first request, once the handlers are resolved. The path is used as given (a global
   * prefix is not added).
   */
  static setup(path: string, app: INestApplication, options: AsyncApiOptions = {}): void {
    const trimmed = path.replace(/^\/+|\/+$/g, '');
    if (!trimmed) throw new ConfigurationError("NestreamAsyncApi.setup: give a path, e.g. '/asyncapi'");
    let document: AsyncApiDocument | undefined;
    new AsyncApiRoutes(app.getHttpAdapter(), `/${trimmed}`, () => (document ??= NestreamAsyncApi.createDocument(app, options))).register();
  }
}
