import { describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Controller } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { MessageBus, Subscriber } from '../../lib/index.js';
import { bootApp } from '../support/app-harness.js';
import { FAULT_TARGETS, type FaultTarget } from './fault-targets.js';
import { startChild, unhandled, type Child } from './consumer-children.js';
import { report, sleep, waitFor } from './figures.js';

/**
 * A consumer process killed mid-run (SIGKILL at ~KILL_AT handled, nothing flushed) and one
 * stopped with SIGTERM mid-flow (it must exit within shutdownTimeoutMs, finishing what it
 * started). A second consumer in the same group, in this process, then takes what is left:
 * on a persistent transport nothing published is lost; duplicates (handled again after the
 * kill, as at-least-once allows) are counted.
 */
const N = Number(process.env.FAULT_KILL_EVENTS ?? 5000);
const KILL_AT = Math.round(N * 0.6);
const SHUTDOWN_TIMEOUT_MS = 5000;

/** A consumer in this process, in the same group: takes over what the child left. */
async function takeOver(target: FaultTarget, address: string, topic: string, group: string, handled: Map<number, number>): Promise<INestApplication> {
  @Controller()
  class Survivor {
    @Subscriber(topic, { transport: 't', group, concurrency: 16, transportOptions: target.subscribeOptions ?? {} })
    handle(payload: { i: number }) {
      handled.set(payload.i, (handled.get(payload.i) ?? 0) + 1);
    }
  }
  return bootApp({ transports: { t: target.create(address) }, shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS }, [Survivor]);
}

const persistent = FAULT_TARGETS.filter((t) => t.persistent);

describe.each(persistent.map((t) => [t.name, t] as const))('%s: consumer process faults', (_name, target) => {
  const run = target.available() ? it : it.skip;

  run(`consumer SIGKILLed at ~${KILL_AT} of ${N} handled: nothing lost`, async () => {
    const { broker, address } = await target.startBroker();
    const apps: INestApplication[] = [];
    let child: Child | undefined;
    try {
      const topic = `faults.${randomUUID().slice(0, 8)}.kill`;
      const group = 'kill';
      child = await startChild({ target: target.name, address, topic, group, handlerMs: 5, shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS }); // a few ms each, so the kill lands near KILL_AT
      await sleep(1500); // its group joined, its durable or queue made
      const publisher = await bootApp({ transports: { t: target.create(address) } }, []);
      apps.push(publisher);
      const bus = publisher.get(MessageBus);
      for (let i = 0; i < N; i += 100) await Promise.all(Array.from({ length: Math.min(100, N - i) }, (_, k) => bus.publish(topic, { i: i + k }, { transport: 't' })));
      await waitFor(() => child!.done.size >= KILL_AT, 120_000);
      child.process.kill('SIGKILL');
      const killedAt = Date.now();
      await child.exited;
      const handledByChild = new Set(child.done);
      const handled = new Map<number, number>();
      apps.push(await takeOver(target, address, topic, group, handled));
      await waitFor(() => handled.size > 0, 60_000).catch(() => undefined);
      const recovery = (Date.now() - killedAt) / 1000;
      await waitFor(() => unhandled(N, handled, handledByChild) === 0, 120_000).catch(() => undefined);
      const lost = unhandled(N, handled, handledByChild);
      const duplicates = [...handled.keys()].filter((i) => handledByChild.has(i)).length + [...handled.values()].reduce((s, n) => s + n - 1, 0);
      report(target.name, 'sigkill', { events: N, handledBeforeKill: handledByChild.size, lost, duplicates, 'takeover s': recovery.toFixed(1) });
      expect(lost).toBe(0);
    } finally {
      child?.process.kill('SIGKILL');
      await Promise.allSettled(apps.map((a) => a.close()));
      await broker.destroy();
    }
  }, 300_000);

  run(`consumer SIGTERMed mid-flow: exits within shutdownTimeoutMs (${SHUTDOWN_TIMEOUT_MS} ms), nothing in flight lost`, async () => {
    const { broker, address } = await target.startBroker();
    const apps: INestApplication[] = [];
    let child: Child | undefined;
    try {
      const topic = `faults.${randomUUID().slice(0, 8)}.term`;
      const group = 'term';
      const total = 400;
      child = await startChild({ target: target.name, address, topic, group, handlerMs: 200, shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS });
      await sleep(1500);
      const publisher = await bootApp({ transports: { t: target.create(address) } }, []);
      apps.push(publisher);
      const bus = publisher.get(MessageBus);
      await Promise.all(Array.from({ length: total }, (_, i) => bus.publish(topic, { i }, { transport: 't' })));
      await waitFor(() => child!.done.size >= 40, 60_000);
      const termAt = Date.now();
      child.process.kill('SIGTERM');
      const code = await child.exited;
      const exitMs = Date.now() - termAt;
      const inFlight = [...child.started].filter((i) => !child!.done.has(i));
      const handled = new Map<number, number>();
      apps.push(await takeOver(target, address, topic, group, handled));
      await waitFor(() => unhandled(total, handled, child!.done) === 0, 120_000).catch(() => undefined);
      const lost = unhandled(total, handled, child!.done);
      const duplicates = [...handled.keys()].filter((i) => child!.done.has(i)).length;
      report(target.name, 'sigterm', { events: total, 'exit s': (exitMs / 1000).toFixed(1), exitCode: code, unfinishedAtExit: inFlight.length, lost, duplicates });
      expect(exitMs).toBeLessThanOrEqual(SHUTDOWN_TIMEOUT_MS + 3000); // + Node's own exit
      expect(inFlight).toEqual([]); // every handler it started finished before it exited
      expect(lost).toBe(0);
    } finally {
      child?.process.kill('SIGKILL');
      await Promise.allSettled(apps.map((a) => a.close()));
      await broker.destroy();
    }
  }, 300_000);
});

