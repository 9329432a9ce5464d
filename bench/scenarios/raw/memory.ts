// The "raw" in-memory baseline: the least a hand-written in-process queue does for the same
// work: encode to JSON bytes, queue, hand out on a later tick, decode, handle, drop (ack).
import type { OrderCreatedEvent } from '../../workload.js';
import type { OnEvent, Scenario, ScenarioFactory } from '../scenario.js';

const createScenario: ScenarioFactory = async () => {
  const queue: Buffer[] = [];
  let head = 0;
  let scheduled = false;
  let onEvent: OnEvent = () => undefined;
  const drain = () => {
    scheduled = false;
    while (head < queue.length) {
      const body = queue[head]!;
      queue[head++] = undefined as unknown as Buffer;
      onEvent(JSON.parse(body.toString('utf8')) as OrderCreatedEvent);
    }
    queue.length = 0;
    head = 0;
  };
  const scenario: Scenario = {
    async start(handler) {
      onEvent = handler;
    },
    async publish(event) {
      queue.push(Buffer.from(JSON.stringify(event), 'utf8'));
      if (!scheduled) {
        scheduled = true;
        setImmediate(drain);
      }
    },
    async stop() {},
  };
  return scenario;
};

export default createScenario;
