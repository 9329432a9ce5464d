#!/usr/bin/env node
// The `nestream` command (package.json "bin"). reflect-metadata first: the app's decorators need it.
import 'reflect-metadata';
import { ASYNCAPI_USAGE, runAsyncApiCommand } from './asyncapi/asyncapi.command.js';
import { DLQ_USAGE, runDeadLettersCommand } from './dead-letters/dead-letters.command.js';

const [command, ...args] = process.argv.slice(2);

async function main(): Promise<number> {
  switch (command) {
    case 'asyncapi':
      return runAsyncApiCommand(args);
    case 'dlq':
      return runDeadLettersCommand(args);
    case undefined:
    case '--help':
    case '-h':
      process.stdout.write(
        `Commands:\n  asyncapi   print the AsyncAPI document of an app module\n  dlq        list, peek at and replay dead letters\n\n${ASYNCAPI_USAGE}\n\n${DLQ_USAGE}\n`,
      );
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`nestream: unknown command '${command}'\n\n${ASYNCAPI_USAGE}\n\n${DLQ_USAGE}\n`);
      return 2;
  }
}

// Exit explicitly: the app's own providers (a database pool...) may keep the event loop alive.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`nestream ${command}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
