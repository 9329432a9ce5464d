import { MemoryTransport } from '../../../lib/index.js';
import type { ConformanceTarget } from '../target.js';

/** The in-memory transport: one process, so the two-process case does not apply. */
const memory: ConformanceTarget = {
  name: 'memory',
  brokers: [],
  create: () => sharedMemory,
  singleProcess: true,
  reset: () => resetMemoryBroker(),
  replyResources: async (transport) => (transport as MemoryTransport).health().subscriptions,
  unsettled: async (topic, group) => sharedMemory.outstandingOf(topic, group),
};

/** Every "new" transport of one test shares one broker, as clients of a real broker do. */
let sharedMemory = new MemoryTransport();
export function resetMemoryBroker(): void {
  sharedMemory = new MemoryTransport();
}

export default memory;
