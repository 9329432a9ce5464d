import 'reflect-metadata';
import { Controller, type INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DeadLetters, MessageBus, Subscriber } from '../../lib/index.js';
import { runDeadLettersAction } from '../../lib/dead-letters/dead-letters.command.js';
import { bootApp } from '../support/app-harness.js';
import { eventually } from '../support/poll.js';

const state = { fixed: false, handled: [] as string[] };

@Controller()
class Handlers {
  @Subscriber('cli.orders')
  take(payload: { n: number }) {
    if (!state.fixed) throw new Error(`order ${payload.n} refused`);
    state.handled.push(String(payload.n));
  }
}

/** `nestream dlq <action> <module> ...` after the module is booted: the action and its flags, as the CLI runs them. */
async function dlq(action: string, ...argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runDeadLettersAction(app.get(DeadLetters), action, argv, (text) => (out += text));
  return { code, out };
}

let app: INestApplication;
beforeAll(async () => {
  app = await bootApp({ retry: { attempts: 1 } }, [Handlers]);
  const bus = app.get(MessageBus);
  for (let n = 1; n <= 3; n++) await bus.publish('cli.orders', { n }, { messageId: `o-${n}` });
  await eventually('3 dead letters', async () => (await app.get(DeadLetters).list({ topic: 'cli.orders.dlq' })).length === 3);
});
afterAll(() => app?.close());

describe('npx nestream dlq', () => {
  it('list prints a table of the dead letters, --json the objects', async () => {
    const { code, out } = await dlq('list', '--topic', 'cli.orders.dlq', '--handler', 'Handlers.take', '--since', '1h');
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+AGE\s+HANDLER\s+REASON\s+ATTEMPTS\s+REPLAYS\s+EVENT ID\s+ERROR$/);
    expect(lines[1]).toMatch(/Handlers\.take\s+handler-failed\s+1\s+0\s+o-1\s+order 1 refused$/);
    expect(lines.at(-1)).toBe('3 dead letter(s)');
    const json = JSON.parse((await dlq('list', '--topic', 'cli.orders.dlq', '--json', '--limit', '2')).out) as { eventId: string }[];
    expect(json.map((letter) => letter.eventId)).toEqual(['o-1', 'o-2']);
  });

  it('peek prints one dead letter with its headers and body text', async () => {
    const { code, out } = await dlq('peek', '--topic', 'cli.orders.dlq');
    expect(code).toBe(0);
    const [letter] = JSON.parse(out) as { headers: Record<string, string>; bodyText: string }[];
    expect(letter!.headers['x-dlq-error-message']).toBe('order 1 refused');
    expect(JSON.parse(letter!.bodyText)).toEqual({ n: 1 });
  });

  it('replay --dry-run changes nothing; replay moves them back once fixed', async () => {
    const dry = await dlq('replay', '--topic', 'cli.orders.dlq', '--limit', '2', '--dry-run');
    expect(dry.out).toContain('2 would replay, 0 skipped, 0 failed');
    expect(await app.get(DeadLetters).list({ topic: 'cli.orders.dlq' })).toHaveLength(3);
    state.fixed = true;
    const run = await dlq('replay', '--topic', 'cli.orders.dlq', '--limit', '2', '--rate', '1000');
    expect(run.code).toBe(0);
    expect(run.out).toContain('2 replayed, 0 skipped, 0 failed');
    await eventually('2 handled', () => state.handled.length === 2);
    expect(await app.get(DeadLetters).list({ topic: 'cli.orders.dlq' })).toHaveLength(1);
  });

  it('refuses bad flags with a clear message', async () => {
    await expect(dlq('list', '--topic', 'cli.orders.dlq', '--since', 'yesterday')).rejects.toThrow("--since: 'yesterday' is neither an ISO time nor an age");
    await expect(dlq('list', '--topic', 'cli.orders.dlq', '--limit', '0')).rejects.toThrow("--limit: '0' is not a positive whole number");
    expect((await dlq('replay', '--topic', 'cli.orders.dlq')).code).toBe(2);
    expect((await dlq('list')).code).toBe(2);
    expect((await dlq('purge', '--topic', 'x')).code).toBe(2);
  });
});
