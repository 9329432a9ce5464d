export { DeadLetters } from './dead-letters.service.js';
export type { DeadLetter, DeadLetterMessage } from './dead-letter.js';
export type { DeadLetterQuery } from './dead-letter-query.js';
export type { ReplayOptions } from './replay-options.js';
export type { ReplayReport, ReplayedLetter } from './replay-report.js';
