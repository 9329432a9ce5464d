// Raw core NATS: a queue-group subscription decoding JSON, and publishes confirmed by a flush
// round trip shared by the publishes of one tick (the PONG proves the server has every message
// written before the PING; a publish after the PING waits for the next one).
import { connect } from '@nats-io/transport-node';
import type { OrderCreatedEvent } from '../../workload.js';
import { endpoints } from '../../../test/brokers/endpoints.js';
import type { Scenario, ScenarioFactory } from '../scenario.js';

const createScenario: ScenarioFactory = async (ctx) => {
  const nc = await connect({ servers: endpoints.natsUrl(), name: 'raw-bench' });
  let flushing: Promise<void> | undefined;
  const scenario: Scenario = {
    async start(onEvent) {
      nc.subscribe(ctx.topic, {
        queue: ctx.group,
        callback: (error, msg) => {
          if (!error) onEvent(JSON.parse(Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength).toString('utf8')) as OrderCreatedEvent);
        },
      });
      await nc.flush();
    },
    publish(event) {
      nc.publish(ctx.topic, Buffer.from(JSON.stringify(event), 'utf8'));
      return (flushing ??= Promise.resolve().then(() => {
        flushing = undefined;
        return nc.flush();
      }));
    },
    async stop() {
      await nc.drain();
    },
  };
  return scenario;
};

export default createScenario;
