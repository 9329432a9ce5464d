import { Logger } from '@nestjs/common';
import type { logCreator, LogEntry } from 'kafkajs';
import { redactSecrets } from '../../core/redact.js';

// kafkajs' numeric levels (logLevel enum), repeated here so this file needs no runtime import.
const ERROR = 1;
const WARN = 2;
const INFO = 4;

/** Where kafkajs logs errors it goes on to retry; the final outcome is reported by the caller. */
const RETRIED_NAMESPACES = new Set(['Connection', 'BrokerPool']);

/** Routes kafkajs' log lines to Nest's Logger; kafkajs INFO is chatty, so it goes to debug. */
export function nestLogCreator(logger: Logger): logCreator {
  return () => (entry: LogEntry) => {
    const { message, ...extra } = entry.log;
    // The idempotent producer warns whenever retries are bounded; they are bounded on purpose.
    if (message.startsWith('Limiting retries for the idempotent producer')) return;
    const detail = extra.error ? ` (${String(extra.error)})` : '';
    const line = redactSecrets(`${entry.namespace ? `[${entry.namespace}] ` : ''}${message}${detail}`);
    if (entry.level === ERROR && !RETRIED_NAMESPACES.has(entry.namespace)) logger.error(line);
    else if (entry.level === ERROR) logger.warn(line);
    else if (entry.level === WARN) logger.warn(line);
    else if (entry.level === INFO) logger.debug(line);
    else logger.verbose(line);
  };
}
