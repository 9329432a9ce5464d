import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

const app = await NestFactory.create(AppModule);
app.enableShutdownHooks();
const port = Number(process.env.PORT ?? 3000);
await app.listen(port, '127.0.0.1');
console.log(`nestream sample listening on http://127.0.0.1:${port} — try: curl -XPOST localhost:${port}/users -H 'content-type: application/json' -d '{"email":"ada@example.com","username":"ada"}'`);
