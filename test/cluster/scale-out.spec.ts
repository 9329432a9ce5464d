import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { fileURLToPath } from 'node:url';
import { MessageBus } from '../../lib/index.js';
import { bootApp } from '../support/app-harness.js';
import { startChild, unhandled, type Child } from '../faults/consumer-children.js';
import { report, sleep, waitFor } from '../faults/figures.js';
import { CLUSTER_TARGETS } from './cluster-targets.js';

const TARGETS_MODULE = fileURLToPath(new URL('./cluster-targets.ts', import.meta.url));

/**
 * Scale-out on a cluster: three consumer processes in one group share a topic; at one third of
 * N events a fourth joins, at one half (or as soon as the fourth handled its first event, if later)
 * one of the first three is SIGKILLed (nothing flushed,
 * its unacknowledged deliveries left to the broker). Every event must be handled by some
 * process; duplicates (an event handled again after the kill, as at-least-once allows) are
 * counted. Figures: how long the newcomer waited for its first event (the rebalance on join)
 * and the longest wait of an event published after the kill (the takeover of the dead
 * member's share: a Kafka session timeout, a JetStream ack wait, a Redis claim, RabbitMQ's
 * requeue on connection loss).
 */
const N = Number(process.env.CLUSTER_SCALE_EVENTS ?? 6000);
const RATE = Number(process.env.CLUSTER_SCALE_RATE ?? 300);
const SHUTDOWN_TIMEOUT_MS = 5000;
const HANDLER_MS = 2;
/** How long publishing goes on past N while the newcomer has handled nothing. */
const TAIL_MS = 60_000;

describe.each(CLUSTER_TARGETS.map((t) => [t.name, t] as const))('%s cluster: consumers scale out and one dies', (_name, target) => {
  const run = target.available() ? it : it.skip;

  run(`${N} events over 3 consumer processes; a 4th joins at 1/3, one is SIGKILLed at 1/2: every event handled`, async () => {
    const topic = `cluster.${randomUUID().slice(0, 8)}.scale`;
    const group = 'scale';
    const children: Child[] = [];
    const spawnOne = async (): Promise<Child> => {
      const child = await startChild({ target: target.name, address: target.address, topic, group, handlerMs: HANDLER_MS, shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS, targetsModule: TARGETS_MODULE });
      children.push(child);
      return child;
    };
    let publisher: INestApplication | undefined;
    try {
      for (let k = 0; k < 3; k++) await spawnOne();
      await sleep(3000); // the group formed (a Kafka join, a JetStream durable, the quorum queue) before the first event
      publisher = await bootApp({ transports: { t: target.create(target.address) } }, []);
      const bus = publisher.get(MessageBus);

      const publishedAt = new Map<number, number>();
      const accepted = new Set<number>();
      let rejected = 0;
      let joinedAt = 0;
      let spawnedAt = 0;
      let newcomer: Child | undefined;
      let joining: Promise<void> | undefined;
      let killedAt = 0;
      let killedAtEvent = -1;
      let victim: Child | undefined;
      const pending = new Set<Promise<void>>();
      const begin = Date.now();
      // N events, then (if the newcomer has not handled one yet) more at the same rate until it has,
      // for at most TAIL_MS: a group's rebalance on join can outlast the run (Kafka: about 20 s when the
      // kill at 5/6 lands before the newcomer joined, since the join then waits out the dead member's
      // session timeout; measured as 'newcomer ready after'), and a member that joined must still get work.
      let published = 0;
      const tailEnds = begin + (N * 1000) / RATE + TAIL_MS;
      for (let i = 0; i < N || (!newcomer?.done.size && Date.now() < tailEnds); i++) {
        published = i + 1;
        const due = begin + (i * 1000) / RATE;
        if (due > Date.now()) await sleep(due - Date.now());
        if (i === Math.floor(N / 3)) {
          spawnedAt = Date.now();
          joining = spawnOne().then((child) => void ((newcomer = child), (joinedAt = Date.now())));
        }
        if (!victim && i >= Math.floor(N / 2) && (newcomer?.done.size || i >= Math.floor((N * 5) / 6))) {
          // Once the newcomer has its share (or at 5/6 at the latest): its boot and the join's rebalance can
          // outlast a fixed point on a loaded machine, and a kill before it joined would not test a scale-out.
          victim = children[0]!;
          victim.process.kill('SIGKILL');
          killedAt = Date.now();
          killedAtEvent = i;
        }
        publishedAt.set(i, Date.now());
        const publish = bus.publish(topic, { i }, { transport: 't', key: String(i % 16) }).then(
          () => void accepted.add(i),
          () => void rejected++,
        );
        const tracked = publish.finally(() => pending.delete(tracked));
        pending.add(tracked);
      }
      await Promise.all(pending);
      await joining;
      const survivors = children.filter((c) => c !== victim);
      const handledBy = (i: number): boolean => survivors.some((c) => c.done.has(i)) || victim!.done.has(i);
      await waitFor(() => [...accepted].every(handledBy), 120_000).catch(() => undefined);
      await sleep(1500); // late redeliveries count as duplicates

      const lost = [...accepted].filter((i) => !handledBy(i)).length;
      const handledTimes = (i: number): number => children.reduce((sum, c) => sum + (c.doneCount.get(i) ?? 0), 0);
      const duplicates = [...accepted].reduce((sum, i) => sum + Math.max(0, handledTimes(i) - 1), 0);
      const firstAt = (i: number): number => Math.min(...children.map((c) => c.doneAt.get(i) ?? Infinity));
      const newcomerFirst = Math.min(...[...newcomer!.doneAt.values()]);
      const afterKill = [...accepted].filter((i) => publishedAt.get(i)! >= killedAt);
      const longestWaitAfterKill = Math.max(0, ...afterKill.map((i) => firstAt(i) - publishedAt.get(i)!).filter(Number.isFinite));
      report(
        target.name,
        'scale-out',
        {
          events: published,
          acknowledged: accepted.size,
          rejected,
          lost,
          duplicates,
          'handled per process': children.map((c) => c.done.size).join('/'),
          'killed at event': killedAtEvent,
          'newcomer ready after s': ((joinedAt - spawnedAt) / 1000).toFixed(1),
          'newcomer first event s': Number.isFinite(newcomerFirst) ? ((newcomerFirst - joinedAt) / 1000).toFixed(1) : 'never',
          'takeover after kill s': (longestWaitAfterKill / 1000).toFixed(1),
        },
        'CLUSTER',
      );
      expect(rejected).toBe(0); // no node died: every publish is acknowledged
      expect(lost).toBe(0);
      expect(unhandled(published, ...children.map((c) => c.done))).toBe(0);
      expect(newcomer!.done.size).toBeGreaterThan(0); // the fourth got a share of the group
    } finally {
      for (const child of children) child.process.kill('SIGKILL');
      await publisher?.close().catch(() => undefined);
    }
  }, 600_000);
});
