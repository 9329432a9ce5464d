import { parseArgs } from 'node:util';
import { Module, type DynamicModule, type INestApplicationContext, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadModule } from '../asyncapi/asyncapi.command.js';
import { NestreamDiscoveryOnlyModule } from '../asyncapi/discovery-only.module.js';
import type { DeadLetter } from './dead-letter.js';
import type { DeadLetterQuery } from './dead-letter-query.js';
import { DeadLetters } from './dead-letters.service.js';
import type { ReplayOptions } from './replay-options.js';

export const DLQ_USAGE = `Usage: nestream dlq list|peek|replay <module file>[#ExportName] --topic <dead-letter topic> [options]

Reads the dead letters of one topic through the app's own transports (its module is built,
nothing subscribes), without consuming them; replay republishes a selection.
  --transport <name>        the transport's name in forRoot (default: the first)
  --handler <Class.method>  only this handler's dead letters
  --reason <reason>         only this reason (handler-failed, validation-failed, ...)
  --since <time>            last failure at or after: an ISO time or an age (30m, 2h, 1d)
  --until <time>            last failure before
  --limit <n>               at most n (list: 100, peek: 1; replay: required)
  --id <id>                 peek: the dead letter with this id
  --json                    print JSON
replay only:
  --rate <n>                publishes per second (default 100)
  --dry-run                 print what would be replayed, change nothing
  --target-topic <topic>    publish there instead of each message's original topic
  --target-transport <name> publish on this transport instead
  --max-replays <n>         skip a dead letter replayed n times already (default 3)`;

const OPTIONS = {
  topic: { type: 'string' },
  transport: { type: 'string' },
  handler: { type: 'string' },
  reason: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  limit: { type: 'string' },
  id: { type: 'string' },
  json: { type: 'boolean' },
  rate: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'target-topic': { type: 'string' },
  'target-transport': { type: 'string' },
  'max-replays': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Write = (text: string) => void;

/** `nestream dlq ...`; resolves to the exit code. Results go to stdout, problems to stderr. */
export async function runDeadLettersCommand(argv: readonly string[]): Promise<number> {
  const [action, moduleFile] = argv;
  if (!action || action === '--help' || action === '-h') return usage(action ? 0 : 2);
  if (!moduleFile || moduleFile.startsWith('-')) return usage(2, 'give the app module file');
  const module = await loadModule(moduleFile);
  const app = await bootForDeadLetters(module);
  try {
    return await runDeadLettersAction(app.get(DeadLetters, { strict: false }), action, argv.slice(2), (text) => process.stdout.write(text));
  } finally {
    await app.close();
  }
}

@Module({})
class DeadLettersCliModule {}

/** The app built and initialised, its transports ready to connect on demand, and no handler subscribed (discovery only). */
function bootForDeadLetters(module: Type | DynamicModule): Promise<INestApplicationContext> {
  const root: DynamicModule = { module: DeadLettersCliModule, imports: [NestreamDiscoveryOnlyModule, module] };
  return NestFactory.createApplicationContext(root, { logger: ['error', 'warn'], abortOnError: false });
}

/** One `list`, `peek` or `replay` with its options, against a DeadLetters service; the exit code. */
export async function runDeadLettersAction(deadLetters: DeadLetters, action: string, argv: readonly string[], write: Write): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true });
  if (values.help) return usage(0);
  if (positionals.length > 0) return usage(2, `unexpected argument '${positionals[0]}'`);
  if (!values.topic) return usage(2, '--topic (the dead-letter topic) is required');
  const query: DeadLetterQuery = {
    topic: values.topic,
    transport: values.transport,
    handler: values.handler,
    reason: values.reason,
    since: timeOf(values.since, '--since'),
    until: timeOf(values.until, '--until'),
    limit: integerOf(values.limit, '--limit'),
  };
  switch (action) {
    case 'list': {
      const letters = await deadLetters.list(query);
      write(values.json ? `${JSON.stringify(letters, null, 2)}\n` : table(letters));
      return 0;
    }
    case 'peek': {
      const letters = await deadLetters.peek({ ...query, id: values.id });
      const shown = letters.map(({ body: _body, ...letter }) => letter);
      write(`${JSON.stringify(shown, null, 2)}\n`);
      return letters.length > 0 ? 0 : 1;
    }
    case 'replay': {
      if (query.limit === undefined) return usage(2, 'replay needs --limit (how many at most)');
      const options: ReplayOptions = {
        ...query,
        limit: query.limit,
        ratePerSec: integerOf(values.rate, '--rate'),
        dryRun: values['dry-run'],
        targetTopic: values['target-topic'],
        targetTransport: values['target-transport'],
        maxReplays: integerOf(values['max-replays'], '--max-replays'),
      };
      const report = await deadLetters.replay(options);
      if (values.json) write(`${JSON.stringify(report, null, 2)}\n`);
      else {
        const verb = report.dryRun ? 'would replay' : 'replayed';
        for (const { letter, toTopic, toTransport } of report.replayed) write(`${verb} ${letter.id} (${letter.eventId ?? '-'}) to ${toTransport}:${toTopic}\n`);
        for (const letter of report.skipped) write(`skipped ${letter.id} (${letter.eventId ?? '-'}): replayed ${letter.replayCount} times already\n`);
        for (const { letter, error } of report.failed) write(`failed ${letter.id} (${letter.eventId ?? '-'}): ${error}\n`);
        write(`${report.replayed.length} ${verb}, ${report.skipped.length} skipped, ${report.failed.length} failed\n`);
      }
      return report.failed.length > 0 ? 1 : 0;
    }
    default:
      return usage(2, `unknown action '${action}': list, peek or replay`);
  }
}

function table(letters: readonly DeadLetter[]): string {
  const rows = letters.map((l) => [l.id, age(l.ageMs), l.handler ?? '-', l.reason ?? '-', String(l.attempts ?? '-'), String(l.replayCount), l.eventId ?? '-', l.error.message ?? '-']);
  const header = ['ID', 'AGE', 'HANDLER', 'REASON', 'ATTEMPTS', 'REPLAYS', 'EVENT ID', 'ERROR'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n') + `\n${letters.length} dead letter(s)\n`;
}

function age(ms: number | undefined): string {
  if (ms === undefined) return '-';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** An ISO time, or an age back from now (`30m`, `2h`, `1d`). */
function timeOf(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const relative = /^(\d+)([smhd])$/.exec(value);
  const date = relative ? new Date(Date.now() - Number(relative[1]) * UNITS[relative[2]!]!) : new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`${flag}: '${value}' is neither an ISO time nor an age such as 30m, 2h, 1d`);
  return date;
}

function integerOf(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag}: '${value}' is not a positive whole number`);
  return n;
}

function usage(code: number, problem?: string): number {
  process.stderr.write(`${problem ? `nestream dlq: ${problem}\n\n` : ''}${DLQ_USAGE}\n`);
  return code;
}
