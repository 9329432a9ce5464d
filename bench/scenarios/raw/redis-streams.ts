// Raw ioredis Streams: XADD per publish; a consumer-group loop of XREADGROUP COUNT <concurrency>
// BLOCK, decoding each entry's JSON, then one XACK for the ids of the batch.
import { Redis } from 'ioredis';
import type { OrderCreatedEvent } from '../../workload.js';
import { endpoints } from '../../../test/brokers/endpoints.js';
import type { Scenario, ScenarioFactory } from '../scenario.js';

type Entries = [id: string, fields: string[]][];
type ReadReply = [stream: string, entries: Entries][] | null;

const createScenario: ScenarioFactory = async (ctx) => {
  const producer = new Redis(endpoints.redisUrl());
  const reader = new Redis(endpoints.redisUrl());
  let running = true;
  let loop: Promise<void> | undefined;
  await producer.xgroup('CREATE', ctx.topic, ctx.group, '0', 'MKSTREAM');
  const scenario: Scenario = {
    async start(onEvent) {
      loop = (async () => {
        while (running) {
          const reply = (await reader.xreadgroup('GROUP', ctx.group, 'raw', 'COUNT', ctx.concurrency, 'BLOCK', 500, 'STREAMS', ctx.topic, '>')) as ReadReply;
          const entries = reply?.[0]?.[1];
          if (!entries || entries.length === 0) continue;
          const ids: string[] = [];
          for (const [id, fields] of entries) {
            onEvent(JSON.parse(fields[1]!) as OrderCreatedEvent);
            ids.push(id);
          }
          await producer.xack(ctx.topic, ctx.group, ...ids);
        }
      })();
    },
    async publish(event) {
      await producer.xadd(ctx.topic, '*', 'body', JSON.stringify(event));
    },
    async stop() {
      running = false;
      await loop;
      await producer.del(ctx.topic);
      reader.disconnect();
      producer.disconnect();
    },
  };
  return scenario;
};

export default createScenario;
