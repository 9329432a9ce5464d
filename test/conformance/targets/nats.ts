import { NatsTransport } from '../../../lib/transports/nats/index.js';
import { endpoints, UNREACHABLE_PORT } from '../../brokers/endpoints.js';
import type { ConformanceTarget } from '../target.js';

const unreachable = `127.0.0.1:${UNREACHABLE_PORT}`;
// Fail the first connect at once and never loop on reconnects: the suite expects a rejection.
const noReconnect = { reconnect: false, timeout: 1000 } as const;

// Short pulls make close() and recovery quick; a short AckWait bounds how long a message handed
// to a closed pull waits before another member gets it. Test streams expire their messages.
const testJetStream = {
  streamDefaults: { maxAgeMs: 10 * 60_000 },
  consumerDefaults: { fetchExpiresMs: 1000, ackWaitMs: 5000 },
} as const;

const targets: ConformanceTarget[] = [
  {
    name: 'nats',
    brokers: ['nats'],
    create: () => new NatsTransport({ servers: endpoints.natsUrl() }),
    createUnreachable: () => new NatsTransport({ servers: unreachable, connection: noReconnect }),
    subscribeSettleMs: 50,
    deliveryTimeoutMs: 5000,
  },
  {
    name: 'jetstream',
    brokers: ['nats'],
    create: () => new NatsTransport({ servers: endpoints.natsUrl(), jetstream: testJetStream }),
    createUnreachable: () => new NatsTransport({ servers: unreachable, jetstream: true, connection: noReconnect }),
    subscribeSettleMs: 100,
    deliveryTimeoutMs: 10_000,
  },
];

export default targets;
