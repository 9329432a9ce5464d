// Lets a child Node process run the project's TypeScript directly (the two-process
// conformance case): `node --import ./test/support/ts-register.mjs file.ts`.
import { register } from 'node:module';

register('./ts-loader.mjs', import.meta.url);
