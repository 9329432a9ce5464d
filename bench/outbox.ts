// Outbox bench: commit → consumed throughput and latency, against a direct publish on the same
// broker. Usage: node --import ./test/support/ts-register.mjs bench/outbox.ts [kafka|redis] [events]
// Needs DATABASE_URL or test/brokers/postgres, and the broker (test/brokers/up kafka|redis).
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Headers, MessageBus, NestreamModule, type Transport } from '../lib/index.js';
import { NestreamOutboxModule, OutboxWriter, outboxSchemaSql, pgDatabase } from '../lib/outbox/index.js';
import kafka from '../test/conformance/targets/kafka.js';
import { redisStreams } from '../test/outbox/support/transports.js';
import { databaseUrl } from '../test/support/postgres.js';

const broker = process.argv[2] ?? 'kafka';
const EVENTS = Number(process.argv[3] ?? 5000);
const LATENCY_SAMPLES = 200;
const KEYS = 100;
const create = (): Transport => (broker === 'kafka' ? kafka.create() : redisStreams());
const subscribeOptions = broker === 'kafka' ? { fromBeginning: true } : {};
const url = databaseUrl();
const schema = `bench_${randomBytes(3).toString('hex')}`;
const pool = new pg.Pool({ connectionString: url, max: 8 });
await pool.query(outboxSchemaSql(schema));

@Module({
  imports: [
    NestreamModule.forRoot({ serviceName: 'outbox-bench', transports: { broker: create() } }),
    NestreamOutboxModule.forRoot({ database: pgDatabase({ connectionString: url }), schema, relay: { batchSize: 100, perKey: 50 } }),
  ],
})
class BenchModule {}
const app = await NestFactory.createApplicationContext(BenchModule, { logger: ['error'] });
const writer = app.get(OutboxWriter);
const bus = app.get(MessageBus);

type Arrivals = Map<string, number> & { warmed?: boolean };

/** Arrival time of each measured message id on a topic (warm-up messages, n < 0, only flag `warmed`). */
async function consumer(topic: string): Promise<Arrivals> {
  const arrived: Arrivals = new Map<string, number>();
  const transport = create();
  await transport.subscribe({ topic, group: `bench-${topic}`, concurrency: 50, options: subscribeOptions, handler: async (d) => {
    if (JSON.parse(d.message.body.toString()).n < 0) arrived.warmed = true;
    else arrived.set(d.message.headers[Headers.messageId]!, performance.now());
    await d.ack();
  } });
  closers.push(() => transport.close());
  return arrived;
}
const closers: (() => Promise<unknown>)[] = [];
const until = async (check: () => boolean, ms = 120_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('bench timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
};
const payload = (i: number) => ({ orderId: `k${i % KEYS}`, n: i });

async function throughput(kind: 'outbox' | 'direct'): Promise<number> {
  const topic = `bench.${kind}.${randomBytes(3).toString('hex')}`;
  const arrived = await consumer(topic);
  await warm(topic, kind, arrived);
  const start = performance.now();
  // Four writers side by side, 100 events per transaction (or per burst of direct publishes).
  const chunks = Array.from({ length: EVENTS / 100 }, (_, c) => c * 100);
  const work = async (worker: number) => {
    for (const i of chunks.filter((_, c) => c % 4 === worker)) {
      if (kind === 'direct') {
        const sends: Promise<unknown>[] = [];
        for (let j = i; j < i + 100; j++) sends.push(bus.publish(topic, payload(j), { key: `k${j % KEYS}` }));
        await Promise.all(sends);
      } else {
        const client = await pool.connect();
        await client.query('BEGIN');
        for (let j = i; j < i + 100; j++) await writer.write(client, topic, payload(j), { key: `k${j % KEYS}` });
        await client.query('COMMIT');
        client.release();
      }
    }
  };
  await Promise.all([0, 1, 2, 3].map(work));
  await until(() => arrived.size >= EVENTS);
  return EVENTS / ((performance.now() - start) / 1000);
}

/** One event at a time, 10 ms apart: time from the commit (or the publish call) to its arrival. */
async function latency(kind: 'outbox' | 'direct'): Promise<{ p50: number; p99: number }> {
  const topic = `bench.lat.${kind}.${randomBytes(3).toString('hex')}`;
  const arrived = await consumer(topic);
  await warm(topic, kind, arrived);
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    let id: string;
    let sentAt: number;
    if (kind === 'direct') {
      id = randomBytes(8).toString('hex');
      sentAt = performance.now();
      await bus.publish(topic, payload(i), { key: `k${i % KEYS}`, messageId: id });
    } else {
      const client = await pool.connect();
      await client.query('BEGIN');
      ({ id } = await writer.write(client, topic, payload(i), { key: `k${i % KEYS}` }));
      await client.query('COMMIT');
      sentAt = performance.now();
      client.release();
    }
    await until(() => arrived.has(id), 30_000);
    samples.push(arrived.get(id)! - sentAt);
    await new Promise((r) => setTimeout(r, 10));
  }
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(samples.length * 0.5)]!, p99: samples[Math.floor(samples.length * 0.99)]! };
}

/** One message through first: consumer group joined, topic created, connections open. */
async function warm(topic: string, kind: 'outbox' | 'direct', arrived: Arrivals): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!arrived.warmed && Date.now() < deadline) {
    if (kind === 'direct') await bus.publish(topic, payload(-1));
    else await writer.write({ query: (text: string, params?: readonly unknown[]) => pool.query(text, params as unknown[]).then((r) => r.rows) } as never, topic, payload(-1));
    await new Promise((r) => setTimeout(r, 500));
  }
}

try {
  const direct = await throughput('direct');
  const outbox = await throughput('outbox');
  const directLatency = await latency('direct');
  const outboxLatency = await latency('outbox');
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  console.log(`outbox bench on ${broker}, ${EVENTS} events over ${KEYS} keys (4 writers, 100 per transaction), PostgreSQL ${url.replace(/\/\/[^@]*@/, '//')}`);
  console.log(`throughput  direct publish ${direct.toFixed(0)} msg/s   outbox commit→consumed ${outbox.toFixed(0)} msg/s   (${((outbox / direct) * 100).toFixed(0)}%)`);
  console.log(`latency     direct p50 ${ms(directLatency.p50)} p99 ${ms(directLatency.p99)}   outbox p50 ${ms(outboxLatency.p50)} p99 ${ms(outboxLatency.p99)}   added p50 ${ms(outboxLatency.p50 - directLatency.p50)}`);
} finally {
  await app.close();
  for (const close of closers) await close();
  await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
  await pool.end();
}
