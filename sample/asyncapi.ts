import type { INestApplication } from '@nestjs/common';
import { NestreamAsyncApi } from '../lib/index.js';

/** `GET /asyncapi` (the page), `/asyncapi.json`, `/asyncapi.yaml`: the sample's AsyncAPI document. */
export function serveAsyncApi(app: INestApplication): void {
  NestreamAsyncApi.setup('/asyncapi', app, {
    title: 'nestream sample: users',
    version: '1.0.0',
    description: 'Users sign up over HTTP; their `user.created` events start onboarding, whose `onboarding.started` events travel on a second transport.',
  });
}
