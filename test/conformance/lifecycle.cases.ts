import { Controller } from '@nestjs/common';
import { expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MessageBus, Subscriber } from '../../lib/index.js';
import { bootApp } from '../support/app-harness.js';
import { CaseApps, itIf, sleep, topicFor, until } from './harness.js';
import type { ConformanceTarget } from './target.js';

const CHILD = fileURLToPath(new URL('./child-consumer.ts', import.meta.url));
const REGISTER = fileURLToPath(new URL('../support/ts-register.mjs', import.meta.url));

/** Lifecycle: draining on close, unreachable brokers, scaling out across processes. */
export function lifecycleCases(target: ConformanceTarget, apps: CaseApps): void {
  const caps = target.create().capabilities;
  const opts = target.subscribeOptions ?? {};

  it('finishes in-flight handlers when a subscriber closes mid-flow, acking nothing that did not run', async () => {
    const topic = topicFor('drain');
    const started = new Set<number>();
    const finished = new Set<number>();
    const makeWorker = (delayMs: number) => {
      @Controller()
      class Worker {
        @Subscriber(topic, { transport: 't', group: 'drain', concurrency: 4, transportOptions: opts })
        async handle(payload: { i: number }) {
          started.add(payload.i);
          await sleep(delayMs);
          finished.add(payload.i);
        }
      }
      return Worker;
    };
    const first = await apps.boot([makeWorker(150)]);
    const N = 40;
    for (let i = 0; i < N; i++) await first.get(MessageBus).publish(topic, { i }, { transport: 't' });
    await until(target, () => finished.size >= 4, 'the first handlers to finish');
    await apps.close(first);
    const unfinished = [...started].filter((i) => !finished.has(i));
    expect(unfinished).toEqual([]); // close() waited for every handler it had started
    if (!caps.persistent) return;
    await apps.boot([makeWorker(0)]);
    await until(target, () => finished.size === N, 'the rest, handled by a new subscriber', () => finished.size);
    expect([...finished].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
  });

  it('closes mid-flow the same on every broker: settled work stays settled, the rest is handed back at once', async () => {
    const topic = topicFor('close');
    const N = 200;
    const handledBy: [Set<number>, Set<number>] = [new Set(), new Set()];
    let firstAfterRestart: number | undefined;
    const makeWorker = (run: 0 | 1) => {
      @Controller()
      class Worker {
        @Subscriber(topic, { transport: 't', group: 'close', concurrency: 5, transportOptions: opts })
        async handle(payload: { i: number }) {
          if (run === 1) firstAfterRestart ??= Date.now();
          await sleep(20);
          handledBy[run].add(payload.i);
        }
      }
      return Worker;
    };
    const first = await apps.boot([makeWorker(0)]);
    for (let i = 0; i < N; i++) await first.get(MessageBus).publish(topic, { i }, { transport: 't' });
    await until(target, () => handledBy[0].size >= 40, 'the first 40 handled');
    await apps.close(first);
    const settledBeforeClose = new Set(handledBy[0]);
    await apps.boot([makeWorker(1)]);
    const restartedAt = Date.now();
    const left = N - settledBeforeClose.size;
    if (caps.persistent && left > 0) {
      await until(target, () => settledBeforeClose.size + handledBy[1].size >= N, 'every message, across the close', () => [settledBeforeClose.size, handledBy[1].size]);
      // Handed back at close, not left to an ack timeout: the restart gets them at once.
      expect(firstAfterRestart! - restartedAt).toBeLessThan(1_000);
    } else {
      await sleep(1_000);
    }
    const duplicates = [...handledBy[1]].filter((i) => settledBeforeClose.has(i));
    expect(duplicates).toEqual([]); // what was settled before the close is never handled again
    if (caps.persistent) expect(new Set([...settledBeforeClose, ...handledBy[1]]).size).toBe(N); // nothing lost
  });

  itIf(Boolean(target.createUnreachable), 'rejects a publish while the broker is unreachable', async () => {
    const app = await bootApp({ transports: { t: target.createUnreachable!() } }, []);
    try {
      await expect(app.get(MessageBus).publish(topicFor('unreachable'), { lost: false }, { transport: 't' })).rejects.toThrow();
    } finally {
      await app.close();
    }
  });

  itIf(!target.singleProcess && caps.consumerGroups, 'shares one group between two Node processes, each message handled once', async () => {
    const topic = topicFor('procs');
    const children = [startChild(target.name, topic), startChild(target.name, topic)];
    try {
      await Promise.all(children.map((c) => c.ready));
      await sleep(target.subscribeSettleMs ?? 0);
      const app = await apps.boot([]);
      const N = 200;
      for (let i = 0; i < N; i++) await app.get(MessageBus).publish(topic, { i }, { transport: 't', key: `k${i}` });
      const all = () => children.flatMap((c) => c.handled);
      await until(target, () => new Set(all()).size === N, `${N} messages across both processes`, () => children.map((c) => c.handled.length));
      await sleep(500);
      expect(all()).toHaveLength(N);
      for (const child of children) expect(child.handled.length).toBeGreaterThan(0);
    } finally {
      for (const child of children) child.process.kill('SIGTERM');
    }
  });
}

interface Child {
  process: ChildProcess;
  ready: Promise<void>;
  handled: number[];
}

/** A separate Node process running a nestream app with one subscriber in group 'procs'. */
function startChild(targetName: string, topic: string): Child {
  const process = spawn(globalThis.process.execPath, ['--import', REGISTER, CHILD, targetName, topic, 'procs'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const handled: number[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    process.once('exit', (code) => reject(new Error(`consumer process exited with ${code} before it was ready`)));
    createInterface({ input: process.stdout! }).on('line', (line) => {
      if (line === 'ready') resolve();
      else if (/^\d+$/.test(line)) handled.push(Number(line));
    });
  });
  return { process, ready, handled };
}
