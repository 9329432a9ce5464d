import { NatsTransport } from '../../lib/transports/nats/index.js';
import { endpoints } from '../brokers/endpoints.js';
import { describeDeadLetterReplay } from './replay.scenario.js';

describeDeadLetterReplay({ broker: 'jetstream', transport: () => new NatsTransport({ servers: endpoints.natsUrl(), jetstream: {} }) });
