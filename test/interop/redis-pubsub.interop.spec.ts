import { interopSuite } from './interop.suite.js';
import { interopTargets } from './targets.js';

interopSuite(interopTargets['redis-pubsub']);
