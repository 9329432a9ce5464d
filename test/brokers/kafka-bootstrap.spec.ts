import 'reflect-metadata';
import { Controller, type INestApplication } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { MessageBus, Subscriber } from '../../lib/index.js';
import { KafkaTransport, type KafkaClientLibrary, type KafkaTransportOptions } from '../../lib/transports/kafka/index.js';
import { bootApp, eventually } from '../support/app-harness.js';
import { PrivateKafkaBroker } from './kafka-private-broker.js';

/** Ports of its own, so it never meets the private brokers of kafka.spec.ts. */
const PORT = 19292;
const CONTROLLER_PORT = 19293;
/**
 * Starts per client library: kafkajs is the one whose createTopics failed this way (tulios/kafkajs#1222),
 * so it gets the full 20; @platformatic/kafka goes through the same retry and gets 10, to keep
 * `npm test` within its time budget.
 */
const RUNS: Record<KafkaClientLibrary, number> = { kafkajs: 20, platformatic: 10 };
/** The fetch long-poll, shortened the same way in each library's own option name. */
const CONSUMER: Record<KafkaClientLibrary, object> = {
  kafkajs: { heartbeatInterval: 1000, maxWaitTimeInMs: 200 },
  platformatic: { heartbeatInterval: 1000, maxWaitTime: 200 },
};

describe.each(Object.keys(RUNS) as KafkaClientLibrary[])('KafkaTransport on %s, bootstrap on a freshly started broker', (library) => {
  // A broker that just started can answer "this server does not host this topic-partition"
  // (UNKNOWN_TOPIC_OR_PARTITION) or "leader not available" while it creates a topic: the
  // transport tries again with a bounded backoff, so app.init() does not fail (issue 19).
  it(`creates its topics and consumes, ${RUNS[library]} times in a row, each on a brand-new broker`, async () => {
    const startedAt = Date.now();
    for (let run = 0; run < RUNS[library]; run++) {
      const broker = new PrivateKafkaBroker(PORT, CONTROLLER_PORT);
      try {
        await broker.start();
        await bootAndConsume(library, broker.address, run);
      } catch (error) {
        throw new Error(`run ${run + 1} of ${RUNS[library]} failed after ${Date.now() - startedAt} ms: ${(error as Error).message}`, { cause: error });
      } finally {
        await broker.destroy();
      }
    }
  }, 420_000);
});

/** Boots an app whose subscribers make the transport create two topics, then sends one message through each. */
async function bootAndConsume(library: KafkaClientLibrary, address: string, run: number): Promise<void> {
  const topics = [`boot.${run}.${randomUUID().slice(0, 8)}.a`, `boot.${run}.${randomUUID().slice(0, 8)}.b`] as const;
  const handled: string[] = [];
  @Controller()
  class Handlers {
    @Subscriber(topics[0], { transport: 'kafka', group: 'boot-a', transportOptions: { fromBeginning: true } })
    async a(payload: { run: number }) {
      handled.push(`a${payload.run}`);
    }

    @Subscriber(topics[1], { transport: 'kafka', group: 'boot-b', transportOptions: { fromBeginning: true } })
    async b(payload: { run: number }) {
      handled.push(`b${payload.run}`);
    }
  }
  const transport = new KafkaTransport({
    library,
    brokers: [address],
    clientId: 'nestream-bootstrap-spec',
    topics: { numPartitions: 3, replicationFactor: 1 },
    consumer: CONSUMER[library],
  } as KafkaTransportOptions);
  let app: INestApplication | undefined;
  try {
    app = await bootApp({ transports: { kafka: transport }, deadLetter: false }, [Handlers]);
    const bus = app.get(MessageBus);
    await Promise.all(topics.map((topic) => bus.publish(topic, { run }, { transport: 'kafka' })));
    await eventually(() => handled.length === 2, `both messages of run ${run + 1}`, 30_000);
    expect(handled.sort()).toEqual([`a${run}`, `b${run}`]);
  } finally {
    // A failed init returns no app to close; the transport is closed either way.
    await (app ? app.close() : transport.close());
  }
}
