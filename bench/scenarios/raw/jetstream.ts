// Raw JetStream: a file stream for the topic, a durable pull consumer with explicit acks read
// through consume(), publishes resolved on the PubAck. Each message is acked after handling.
import { connect } from '@nats-io/transport-node';
import { AckPolicy, jetstream, jetstreamManager, type ConsumerMessages } from '@nats-io/jetstream';
import type { OrderCreatedEvent } from '../../workload.js';
import { endpoints } from '../../../test/brokers/endpoints.js';
import { deleteJetStreams, STREAM_MAX_AGE_MS } from '../cleanup.js';
import type { Scenario, ScenarioFactory } from '../scenario.js';

const createScenario: ScenarioFactory = async (ctx) => {
  const nc = await connect({ servers: endpoints.natsUrl(), name: 'raw-bench' });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const stream = ctx.topic.replace(/\./g, '_');
  const durable = ctx.group.replace(/\./g, '_');
  await jsm.streams.add({ name: stream, subjects: [ctx.topic], max_age: STREAM_MAX_AGE_MS * 1_000_000 });
  await jsm.consumers.add(stream, { durable_name: durable, ack_policy: AckPolicy.Explicit, filter_subject: ctx.topic });
  let messages: ConsumerMessages | undefined;
  const scenario: Scenario = {
    async start(onEvent) {
      const consumer = await js.consumers.get(stream, durable);
      messages = await consumer.consume({ max_messages: ctx.concurrency });
      void (async () => {
        for await (const m of messages!) {
          onEvent(m.json<OrderCreatedEvent>());
          m.ack();
        }
      })();
    },
    async publish(event) {
      await js.publish(ctx.topic, Buffer.from(JSON.stringify(event), 'utf8'));
    },
    async stop() {
      await messages?.close();
      await nc.drain();
      await deleteJetStreams(ctx.topic);
    },
  };
  return scenario;
};

export default createScenario;
