import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { serveAsyncApi } from './asyncapi.js';

const app = await NestFactory.create(AppModule);
app.enableShutdownHooks();
serveAsyncApi(app);
const port = Number(process.env.PORT ?? 3000);
await app.listen(port, '127.0.0.1');
console.log(`nestream sample listening on http://127.0.0.1:${port} (AsyncAPI page: /asyncapi) — try: curl -XPOST localhost:${port}/users -H 'content-type: application/json' -d '{"email":"ada@example.com","username":"ada"}'`);
