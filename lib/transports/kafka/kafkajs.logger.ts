import type { logCreator, LogEntry } from 'kafkajs';
import type { NestreamLogger } from '../../core/logger.js';
import { redactSecrets } from '../../core/redact.js';

// kafkajs' numeric levels (logLevel enum), repeated here so this file needs no runtime import.
const ERROR = 1;
const WARN = 2;

/** Where kafkajs logs errors it goes on to retry; the final outcome is reported by the caller. */
const RETRIED_NAMESPACES = new Set(['Connection', 'BrokerPool']);

/** Routes kafkajs' log lines to nestream's logger; kafkajs INFO and DEBUG are chatty, so they go to debug. */
export function nestLogCreator(logger: NestreamLogger): logCreator {
  return () => (entry: LogEntry) => {
    const { message, ...extra } = entry.log;
    // The idempotent producer warns whenever retries are bounded; they are bounded on purpose.
    if (message.startsWith('Limiting retries for the idempotent producer')) return;
    const detail = extra.error ? ` (${String(extra.error)})` : '';
    const line = redactSecrets(`${entry.namespace ? `[${entry.namespace}] ` : ''}${message}${detail}`);
    if (entry.level === ERROR && !RETRIED_NAMESPACES.has(entry.namespace)) logger.error(line);
    else if (entry.level === ERROR || entry.level === WARN) logger.warn(line);
    else logger.debug(line);
  };
}
