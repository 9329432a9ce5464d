import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { Transport } from '../../lib/core/transport.js';
import { KafkaTransport } from '../../lib/transports/kafka/index.js';
import { NatsTransport } from '../../lib/transports/nats/index.js';
import { RabbitTransport } from '../../lib/transports/rabbitmq/index.js';
import { RedisTransport } from '../../lib/transports/redis/index.js';
import { PrivateKafkaBroker } from '../brokers/kafka-private-broker.js';
import { PrivateNatsServer } from '../brokers/nats-private-server.js';
import { PrivateRabbitNode } from '../brokers/rabbitmq-private-node.js';
import { PrivateRedisServer } from '../brokers/redis-private-server.js';

/** A private broker the suite owns: stopped and started again at will, never the shared one. */
export interface FaultBroker {
  /** Stops the broker as a restart does (SIGTERM, state flushed). */
  down(): Promise<void>;
  /** Starts it again on the same port with the same data; resolves once it accepts connections. */
  up(): Promise<void>;
  destroy(): Promise<void>;
}

export interface FaultTarget {
  readonly name: string;
  /** Whether an acknowledged publish must survive a broker restart (core NATS and Redis Pub/Sub are at-most-once). */
  readonly persistent: boolean;
  available(): boolean;
  /**
   * Starts a private broker; `address` is what `create` takes (also in a child process).
   * `instance` 1 is a second one of the same kind beside the first, on ports of its own (a dead-letter broker).
   */
  startBroker(instance?: number): Promise<{ broker: FaultBroker; address: string }>;
  create(address: string): Transport;
  readonly subscribeOptions?: Readonly<Record<string, unknown>>;
}

const kafka = (name: string, library: 'kafkajs' | 'platformatic', port: number): FaultTarget => ({
  name,
  persistent: true,
  available: () => PrivateKafkaBroker.available(),
  subscribeOptions: { fromBeginning: true },
  async startBroker(instance = 0) {
    const broker = new PrivateKafkaBroker(port + 50 * instance, port + 1 + 50 * instance);
    await broker.start();
    return { broker: { down: () => broker.stop(), up: () => broker.start(), destroy: () => broker.destroy() }, address: broker.address };
  },
  create(address) {
    const common = { brokers: [address], clientId: `nestream-faults-${name}`, topics: { numPartitions: 3, replicationFactor: 1 }, restartDelayMs: 500, commitIntervalMs: 50 };
    return library === 'platformatic'
      ? new KafkaTransport({ ...common, consumer: { sessionTimeout: 10_000, heartbeatInterval: 1000, rebalanceTimeout: 10_000, maxWaitTime: 200 } })
      : new KafkaTransport({ ...common, library, consumer: { sessionTimeout: 10_000, heartbeatInterval: 1000, maxWaitTimeInMs: 200 } });
  },
});

const nats = (name: string, jetstream: boolean): FaultTarget => ({
  name,
  persistent: jetstream,
  available: () => true,
  async startBroker() {
    const server = await PrivateNatsServer.start();
    // The server greets connections before JetStream has recovered its streams (seconds on a busy machine): "back" is when JetStream answers.
    const up = async (): Promise<void> => {
      await server.resume();
      if (jetstream) await jetStreamAnswers(server.url);
    };
    return { broker: { down: () => server.pause(), up, destroy: () => server.stop() }, address: server.url };
  },
  create: (address) =>
    new NatsTransport({
      servers: address,
      ...(jetstream && { jetstream: { streamDefaults: { maxAgeMs: 10 * 60_000 }, consumerDefaults: { fetchExpiresMs: 1000 } } }),
    }),
});

async function jetStreamAnswers(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    for (;;) {
      try {
        await jsm.getAccountInfo();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  } finally {
    await nc.close();
  }
}

const redis = (name: string, mode: 'streams' | 'pubsub'): FaultTarget => ({
  name,
  persistent: mode === 'streams',
  available: () => true,
  async startBroker() {
    const server = await PrivateRedisServer.start();
    return { broker: { down: () => server.pause(), up: () => server.resume(), destroy: () => server.stop() }, address: server.url };
  },
  create: (address) => new RedisTransport({ url: address, mode, ...(mode === 'streams' && { blockMs: 500, claimIdleMs: 2000 }) }),
});

const rabbitmq: FaultTarget = {
  name: 'rabbitmq',
  persistent: true,
  available: () => PrivateRabbitNode.available(),
  async startBroker() {
    const node = await PrivateRabbitNode.create();
    await node.start();
    return { broker: { down: () => node.stop(), up: () => node.start(), destroy: () => node.destroy() }, address: node.url };
  },
  create: (address) => new RabbitTransport({ url: address, connectionName: 'nestream-faults' }),
};

/** Every broker mode the suite covers; FAULT_TARGETS=a,b narrows it (one broker at a time while developing). */
const ALL: readonly FaultTarget[] = [
  kafka('kafka', 'kafkajs', 19392),
  kafka('kafka-platformatic', 'platformatic', 19492),
  nats('jetstream', true),
  rabbitmq,
  redis('redis-streams', 'streams'),
  nats('nats', false),
  redis('redis-pubsub', 'pubsub'),
];
export const FAULT_TARGETS = ALL.filter((t) => !process.env.FAULT_TARGETS || process.env.FAULT_TARGETS.split(',').includes(t.name));
export const targetNamed = (name: string): FaultTarget => ALL.find((t) => t.name === name) ?? raise(`no fault target ${name}`);

function raise(message: string): never {
  throw new Error(message);
}
