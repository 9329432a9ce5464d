import { IntrinsicException } from '@nestjs/common';
import type { NackOptions } from './message.js';

export class NestreamError extends Error {
  override name = 'NestreamError';
}

/** Misconfiguration found at bootstrap; the message names the class and method. */
export class ConfigurationError extends NestreamError {
  override name = 'ConfigurationError';
}

/** Thrown by a handler (or the chain) when trying again cannot help: goes straight to the dead letter. */
export class NonRetryableError extends NestreamError {
  override name = 'NonRetryableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface ValidationIssue {
  property: string;
  constraints: Record<string, string>;
  children?: ValidationIssue[];
}

/** The payload does not satisfy its event contract. Never retried. */
export class MessageValidationError extends NonRetryableError {
  override name = 'MessageValidationError';
  constructor(
    readonly contract: string,
    readonly issues: ValidationIssue[],
  ) {
    super(`${contract} failed validation: ${summarizeIssues(issues)}`);
  }
}

export type BadMessageReason = 'invalid-json' | 'forbidden-key' | 'too-large' | 'undecodable' | 'unsupported-version';

/**
 * The bytes cannot become a payload (broken JSON, prototype-pollution keys, oversize, bad UTF-8),
 * or the payload is of a contract version the handler cannot be given (no upcaster path).
 */
export class BadMessageError extends NonRetryableError {
  override name = 'BadMessageError';
  constructor(
    readonly reason: BadMessageReason,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Settle signals: a handler throws one to decide the outcome explicitly (FastStream's
 * AckMessage / NackMessage / RejectMessage). They pass through retry and dead-letter untouched.
 * Intrinsic, so Nest's exception handler does not log them as failures.
 */
export abstract class SettleSignal extends IntrinsicException {}

export class AckMessage extends SettleSignal {
  override name = 'AckMessage';
  constructor(message = 'acknowledged by handler') {
    super(message);
  }
}

export class NackMessage extends SettleSignal {
  override name = 'NackMessage';
  constructor(
    readonly options: NackOptions = {},
    message = 'redelivery requested',
    errorOptions?: { cause?: unknown },
  ) {
    super(message, errorOptions);
  }
}

export class RejectMessage extends SettleSignal {
  override name = 'RejectMessage';
  constructor(message = 'rejected by handler') {
    super(message);
  }
}

/** A request got no reply in time. Names the topic and the timeout. */
export class RequestTimeoutError extends NestreamError {
  override name = 'RequestTimeoutError';
  constructor(
    readonly topic: string,
    readonly timeoutMs: number,
  ) {
    super(`No reply to the request on ${topic} within ${timeoutMs} ms`);
  }
}

/**
 * The handler of a request failed: its error came back as an error reply. `name` and `message`
 * are the remote error's (e.g. 'MessageValidationError' for a request its contract refused).
 */
export class RemoteHandlerError extends NestreamError {
  constructor(
    readonly remoteName: string,
    message: string,
    readonly topic: string,
  ) {
    super(message);
    this.name = remoteName;
  }
}

export type ErrorClass = abstract new (...args: never[]) => Error;

function summarizeIssues(issues: ValidationIssue[], prefix = ''): string {
  return issues
    .flatMap((issue) => {
      const path = prefix + issue.property;
      const own = Object.values(issue.constraints).map((text) => `${path}: ${text}`);
      return issue.children?.length ? [...own, summarizeIssues(issue.children, path + '.')] : own;
    })
    .join('; ');
}
