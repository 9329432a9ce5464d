import { ConsoleLogger, Logger, type LoggerService } from '@nestjs/common';
import { CorrelationScope } from './correlation.js';
import type { LogFields } from './log-fields.js';

/**
 * Nest's Logger (so pino / winston adapters apply), with the correlation id of the current
 * message or request in every line. Each line has its fields too: Nest's own console logger
 * gets the readable text (fields are in it already), any other logger (nestjs-pino,
 * nest-winston, Nest's console logger in JSON mode) gets one object, `{ msg, ...fields }`,
 * so a JSON line carries them as keys.
 */
export class NestreamLogger {
  private readonly logger: Logger;

  /** `prefixCorrelation: false` for lines whose text names the correlation id already. */
  constructor(
    context: string,
    private readonly prefixCorrelation = true,
  ) {
    this.logger = new Logger(context);
  }

  log(message: string, fields?: LogFields): void {
    this.logger.log(this.line(message, fields));
  }

  debug(message: string, fields?: LogFields): void {
    this.logger.debug(this.line(message, fields));
  }

  warn(message: string, fields?: LogFields): void {
    this.logger.warn(this.line(message, fields));
  }

  error(message: string, stack?: string, fields?: LogFields): void {
    if (structuredLogger()) this.logger.error(this.line(message, fields ?? (stack ? { stack } : undefined)));
    else this.logger.error(this.text(message), stack);
  }

  private line(message: string, fields: LogFields | undefined): unknown {
    return structuredLogger() ? this.structured(message, fields) : this.text(message);
  }

  private text(message: string): string {
    return this.prefixCorrelation ? withCorrelation(message) : message;
  }

  private structured(message: string, fields: LogFields | undefined): Record<string, unknown> {
    const line: Record<string, unknown> = { msg: message };
    // A logger that only prints strings still gets the text (`${line}`); JSON loggers skip it, it is not enumerable.
    Object.defineProperty(line, 'toString', { value: () => this.text(message) });
    const id = CorrelationScope.current();
    if (id) line['correlation_id'] = id;
    if (fields) for (const [name, value] of Object.entries(fields)) if (value !== undefined) line[name] = value;
    return line;
  }
}

/** The app's logger, as Nest's Logger delegates to it (`app.useLogger()`), checked per line so a logger set late applies. */
function structuredLogger(): boolean {
  const app = (Logger as unknown as { staticInstanceRef?: LoggerService }).staticInstanceRef;
  if (!app || app instanceof Logger) return false;
  if (app instanceof ConsoleLogger) return (app as unknown as { options?: { json?: boolean } }).options?.json === true;
  return true;
}

function withCorrelation(message: string): string {
  const id = CorrelationScope.current();
  return id ? `[correlation_id=${id}] ${message}` : message;
}
