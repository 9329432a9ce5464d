import 'reflect-metadata';
import { Controller, Module, type INestApplication } from '@nestjs/common';
import { Registry } from 'prom-client';
import request from 'supertest';
import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  MessageBus,
  NackMessage,
  NESTREAM_TELEMETRY,
  NestreamMetricsModule,
  NestreamModule,
  Subscriber,
  TransportRegistry,
  type NestreamTelemetry,
} from '../../lib/index.js';
import { bootApp } from '../support/app-harness.js';
import { eventually } from '../support/poll.js';

const fast = { attempts: 3, backoff: { initialMs: 1, factor: 1, maxMs: 1, jitter: 0 } };
let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** The value of one series of a counter or gauge (0 when the series does not exist yet). */
async function valueOf(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want));
  return match?.value ?? 0;
}

/** Observations of a histogram series (its `_count`). */
async function countOf(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const { values } = await registry.getSingleMetric(name)!.get();
  // A histogram's values are its buckets, `_sum` and `_count`, each named in `metricName`.
  const series = values as { metricName?: string; labels: Record<string, string | number>; value: number }[];
  const match = series.find((v) => v.metricName === `${name}_count` && Object.entries(labels).every(([k, want]) => v.labels[k] === want));
  return match?.value ?? 0;
}

describe('metrics', () => {
  it('counts a known sequence of acks, retries, dead letters, duplicates, failures and publishes', async () => {
    const registry = new Registry();
    let flakyRuns = 0;
    let nackedOnce = false;
    @Controller()
    class Handlers {
      @Subscriber('m.ok')
      ok() {}

      @Subscriber('m.flaky')
      flaky() {
        if (++flakyRuns === 1) throw new Error('first run fails');
      }

      @Subscriber('m.bad')
      bad() {
        throw new Error('always fails');
      }

      @Subscriber('m.once', { idempotent: true })
      once() {}

      @Subscriber('m.rejected', { retry: false, deadLetter: false })
      rejected() {
        throw new Error('no dead letter for this one');
      }

      @Subscriber('m.nacked', { retry: false })
      nacked() {
        if (nackedOnce) return;
        nackedOnce = true;
        throw new NackMessage();
      }
    }
    app = await bootApp({ metrics: { registry }, retry: fast }, [Handlers]);
    const bus = app.get(MessageBus);
    await bus.publish('m.ok', { n: 1 });
    await bus.publish('m.ok', { n: 2 });
    await bus.publish('m.flaky', {});
    await bus.publish('m.bad', {});
    await bus.publish('m.once', {}, { idempotencyKey: 'k-1' });
    await bus.publish('m.once', {}, { idempotencyKey: 'k-1' });
    await bus.publish('m.rejected', {});
    await bus.publish('m.nacked', {});

    const consumed = (topic: string, handler: string, outcome: string) =>
      valueOf(registry, 'nestream_messages_consumed_total', { transport: 'memory', topic, handler: `Handlers.${handler}`, outcome });
    await eventually('the last message to be counted', async () => (await consumed('m.nacked', 'nacked', 'acked')) === 1);
    await eventually('the dead letter to be counted', async () => (await consumed('m.bad', 'bad', 'dead_lettered')) === 1);

    expect(await consumed('m.ok', 'ok', 'acked')).toBe(2);
    expect(await consumed('m.flaky', 'flaky', 'acked')).toBe(1); // an in-process retry does not end the delivery
    expect(await consumed('m.bad', 'bad', 'acked')).toBe(0);
    expect(await consumed('m.once', 'once', 'acked')).toBe(1);
    expect(await consumed('m.once', 'once', 'skipped_duplicate')).toBe(1);
    expect(await consumed('m.rejected', 'rejected', 'failed')).toBe(1);
    expect(await consumed('m.nacked', 'nacked', 'retried')).toBe(1);

    const retries = (topic: string, handler: string) => valueOf(registry, 'nestream_retries_total', { topic, handler: `Handlers.${handler}` });
    expect(await retries('m.flaky', 'flaky')).toBe(1);
    expect(await retries('m.bad', 'bad')).toBe(2); // 3 attempts: 2 retries, then the dead letter
    expect(await retries('m.ok', 'ok')).toBe(0);

    expect(await countOf(registry, 'nestream_handler_duration_seconds', { topic: 'm.ok', outcome: 'acked' })).toBe(2);
    expect(await countOf(registry, 'nestream_handler_duration_seconds', { topic: 'm.bad', outcome: 'dead_lettered' })).toBe(1);
    expect(await valueOf(registry, 'nestream_messages_in_flight', { topic: 'm.ok' })).toBe(0);

    const published = (topic: string) => valueOf(registry, 'nestream_messages_published_total', { transport: 'memory', topic, outcome: 'published' });
    expect(await published('m.ok')).toBe(2);
    expect(await published('m.once')).toBe(2);
    expect(await published('m.bad.dlq')).toBe(1); // the dead letter is a publish too
    expect(await countOf(registry, 'nestream_publish_duration_seconds', { topic: 'm.ok' })).toBe(2);
  });

  it('counts a publish the broker refused as failed', async () => {
    const registry = new Registry();
    app = await bootApp({ metrics: { registry, prefix: 'svc_' } }, []);
    await app.get(MessageBus).publish('m.closed', { n: 0 });
    await app.get(TransportRegistry).get('memory').close(); // a closed memory transport refuses publishes
    await expect(app.get(MessageBus).publish('m.closed', { n: 1 })).rejects.toThrow(/closed/);
    expect(await valueOf(registry, 'svc_messages_published_total', { topic: 'm.closed', outcome: 'failed' })).toBe(1);
    expect(await valueOf(registry, 'svc_messages_published_total', { topic: 'm.closed', outcome: 'published' })).toBe(1);
  });

  it('adds nothing to the chains and registers nothing when metrics are off', async () => {
    const registry = new Registry();
    app = await bootApp({}, []);
    await app.get(MessageBus).publish('m.off', {});
    const telemetry = app.get<NestreamTelemetry>(NESTREAM_TELEMETRY);
    expect(telemetry.metrics).toBeUndefined();
    expect(telemetry.publish()).toEqual([]);
    expect(telemetry.consume({ id: 'H.m', transport: 'memory' })).toEqual({});
    expect(registry.getMetricsAsArray()).toEqual([]);
  });

  it('serves the registry at /metrics in the Prometheus text format with NestreamMetricsModule', async () => {
    const registry = new Registry();
    @Controller()
    class Handler {
      @Subscriber('m.served')
      handle() {}
    }
    @Module({ imports: [NestreamModule.forRoot({ serviceName: 'svc', metrics: { registry } }), NestreamMetricsModule.register()], providers: [Handler] })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    await app.get(MessageBus).publish('m.served', {});
    await eventually('the message to be counted', async () => (await valueOf(registry, 'nestream_messages_consumed_total', { topic: 'm.served' })) === 1);
    const response = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(response.headers['content-type']).toBe(registry.contentType);
    expect(response.text).toContain('nestream_messages_consumed_total{transport="memory",topic="m.served",handler="Handler.handle",outcome="acked"} 1');
    expect(response.text).toContain('nestream_messages_published_total{transport="memory",topic="m.served",outcome="published"} 1');
  });

  it('fails bootstrap when the metrics endpoint is imported but metrics are off', async () => {
    @Module({ imports: [NestreamModule.forRoot({ serviceName: 'svc' }), NestreamMetricsModule.register()] })
    class AppModule {}
    const moduleRef = Test.createTestingModule({ imports: [AppModule] });
    await expect(moduleRef.compile()).rejects.toThrow(/metrics are off/);
  });
});
