import { MemoryTransport } from '../../lib/index.js';
import { describeDeadLetterReplay } from './replay.scenario.js';

describeDeadLetterReplay({ broker: 'memory', transport: () => new MemoryTransport() });
