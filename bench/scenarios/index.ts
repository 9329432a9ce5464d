// Which implementation runs on which broker, loaded lazily so a child process loads only the
// client it benchmarks. @nestjs/microservices has no JetStream, Redis Streams or in-memory
// transport (and runs Kafka on kafkajs only): its columns are n/a there. nest+validation is the
// nest scenario with a ValidationPipe (ScenarioContext.validation).
import type { BrokerName, Implementation, ScenarioFactory } from './scenario.js';

type Loader = () => Promise<{ default: ScenarioFactory }>;

const raw: Record<BrokerName, Loader> = {
  memory: () => import('./raw/memory.js'),
  nats: () => import('./raw/nats.js'),
  jetstream: () => import('./raw/jetstream.js'),
  rabbitmq: () => import('./raw/rabbitmq.js'),
  'redis-streams': () => import('./raw/redis-streams.js'),
  'redis-pubsub': () => import('./raw/redis-pubsub.js'),
  kafka: () => import('./raw/kafka.js'),
  'kafka-platformatic': () => import('./raw/kafka-platformatic.js'),
};

const nest: Partial<Record<BrokerName, Loader>> = {
  nats: () => import('./nest/nats.js'),
  rabbitmq: () => import('./nest/rabbitmq.js'),
  'redis-pubsub': () => import('./nest/redis-pubsub.js'),
  kafka: () => import('./nest/kafka.js'),
};

export async function loadScenario(impl: Implementation, broker: BrokerName): Promise<ScenarioFactory> {
  const loader = impl === 'nestream' ? () => import('./nestream.js') : impl === 'raw' ? raw[broker] : nest[broker];
  if (!loader) throw new Error(`${impl} has no ${broker} scenario`);
  return (await loader()).default;
}
