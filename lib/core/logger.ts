import { Logger } from '@nestjs/common';
import { CorrelationScope } from './correlation.js';

/**
 * Nest's Logger (so pino / winston adapters apply), with the correlation id of the current
 * message or request in every line.
 */
export class NestreamLogger {
  private readonly logger: Logger;

  constructor(context: string) {
    this.logger = new Logger(context);
  }

  log(message: string): void {
    this.logger.log(withCorrelation(message));
  }

  debug(message: string): void {
    this.logger.debug(withCorrelation(message));
  }

  warn(message: string): void {
    this.logger.warn(withCorrelation(message));
  }

  error(message: string, stack?: string): void {
    this.logger.error(withCorrelation(message), stack);
  }
}

function withCorrelation(message: string): string {
  const id = CorrelationScope.current();
  return id ? `[correlation_id=${id}] ${message}` : message;
}
