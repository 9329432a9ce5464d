import { RabbitTransport } from '../../lib/transports/rabbitmq/index.js';
import { endpoints } from '../brokers/endpoints.js';
import { describeDeadLetterReplay } from './replay.scenario.js';

describeDeadLetterReplay({ broker: 'rabbitmq', transport: () => new RabbitTransport({ url: endpoints.amqpUrl() }) });
