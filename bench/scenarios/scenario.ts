// What every implementation (nestream, the raw client, @nestjs/microservices) provides to the
// workload: one consumer fed by one producer on one topic, in this process.
import type { OrderCreatedEvent } from '../workload.js';

export type OnEvent = (event: OrderCreatedEvent) => void;

export interface ScenarioContext {
  readonly broker: BrokerName;
  /** Unique per run, so a run never sees another's leftovers. */
  readonly topic: string;
  readonly group: string;
  /** Deliveries in flight in the consumer (concurrency / prefetch / fetch size), alike for all. */
  readonly concurrency: number;
  /** nest+validation: @nestjs/microservices with a ValidationPipe on the contract class. */
  readonly validation: boolean;
}

export interface Scenario {
  /** Binds the consumer; each delivered event goes to `onEvent`, then is acked. */
  start(onEvent: OnEvent): Promise<void>;
  /** Resolves once the broker accepted the event (as far as the implementation can tell). */
  publish(event: OrderCreatedEvent): Promise<void>;
  /** Closes everything and deletes what the run created on the broker. */
  stop(): Promise<void>;
}

/** The Node implementations; FastStream (bench/faststream/) runs in its own Python process. */
export type Implementation = 'nestream' | 'raw' | 'nest' | 'nest-validation';

export const BROKERS = ['memory', 'nats', 'jetstream', 'rabbitmq', 'redis-streams', 'redis-pubsub', 'kafka', 'kafka-platformatic'] as const;
export type BrokerName = (typeof BROKERS)[number];

export type ScenarioFactory = (ctx: ScenarioContext) => Promise<Scenario>;
