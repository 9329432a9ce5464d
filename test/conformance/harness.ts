import 'reflect-metadata';
import type { INestApplication, Type } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { it } from '@jest/globals';
import type { NestreamModuleOptions, OutboundMessage, Transport } from '../../lib/index.js';
import { bootApp } from '../support/app-harness.js';
import type { ConformanceTarget } from './target.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fast retries, so failure cases take milliseconds, not seconds. */
export const FAST_RETRY = { attempts: 3, backoff: { initialMs: 20, factor: 1, maxMs: 20, jitter: 0 } };

/** Topic names unique per run and case, valid on every broker (letters, digits, dots). */
export function topicFor(caseName: string): string {
  return `conf.${randomBytes(4).toString('hex')}.${caseName}`;
}

/** Tracks the apps a case boots so each case closes them, whatever happens. */
export class CaseApps {
  private readonly apps: INestApplication[] = [];

  constructor(private readonly target: ConformanceTarget) {}

  async boot(handlers: Type[], options: Partial<NestreamModuleOptions> = {}): Promise<INestApplication> {
    const app = await bootApp({ transports: { t: this.target.create() }, retry: FAST_RETRY, ...options }, handlers);
    this.apps.push(app);
    await sleep(this.target.subscribeSettleMs ?? 0);
    return app;
  }

  async close(app?: INestApplication): Promise<void> {
    const closing = app ? [app] : this.apps.splice(0);
    if (app) this.apps.splice(this.apps.indexOf(app), 1);
    await Promise.allSettled(closing.map((a) => a.close()));
  }
}

/** Resolves when `predicate` holds; rejects with `what` and the last `detail()` after the target's delivery timeout. */
export async function until(target: ConformanceTarget, predicate: () => boolean, what: string, detail: () => unknown = () => ''): Promise<void> {
  const timeoutMs = target.deliveryTimeoutMs ?? 5_000;
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${target.name}: timed out after ${timeoutMs} ms waiting for ${what} ${JSON.stringify(detail())}`);
    await sleep(10);
  }
}

/** Runs `task(i)` for i in [0, count) with at most `limit` running at once (bounded in-flight publishing). */
export async function boundedAll(count: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

/** Wraps a transport so a test can make its publishes fail, as a broker outage would. */
export class FaultyPublishTransport implements Transport {
  failing = false;

  constructor(private readonly inner: Transport) {}

  get kind() {
    return this.inner.kind;
  }
  get capabilities() {
    return this.inner.capabilities;
  }
  connect() {
    return this.inner.connect();
  }
  subscribe(request: Parameters<Transport['subscribe']>[0]) {
    return this.inner.subscribe(request);
  }
  async publish(message: OutboundMessage) {
    if (this.failing) throw new Error('injected publish failure');
    return this.inner.publish(message);
  }
  close() {
    return this.inner.close();
  }
  health() {
    return this.inner.health();
  }
  unwrap<T>() {
    return this.inner.unwrap<T>();
  }
}

/** Registers the case only where the transport's capabilities make it apply (not a skip: it does not exist there). */
export function itIf(applies: boolean, name: string, fn: () => Promise<void>): void {
  if (applies) it(name, fn);
}
