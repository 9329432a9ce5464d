import { BadRequestException, Catch, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { MessageValidationError, type ValidationIssue } from '../core/errors.js';

/** What an HTTP client gets back for an event that failed its contract. */
export interface PublishValidationResponse {
  readonly statusCode: 400;
  readonly error: 'Bad Request';
  /** The error's summary, e.g. `user.created failed validation: email: email must be an email`. */
  readonly message: string;
  /** The contract's name. */
  readonly contract: string;
  readonly issues: ValidationIssue[];
}

export function publishValidationResponse(error: MessageValidationError): PublishValidationResponse {
  return { statusCode: 400, error: 'Bad Request', message: error.message, contract: error.contract, issues: error.issues };
}

/**
 * Answers 400 with the issues when an HTTP handler's typed publish (or `MessageBus.publish`
 * with a contract) is refused as invalid, where Nest would answer 500. In any other context,
 * a nestream handler's above all, it rethrows (as a filter that handles nothing does): there the error is the message's failure
 * (dead-lettered, never retried), not a reply to a client.
 *
 * Register it with DI, `{ provide: APP_FILTER, useClass: PublishValidationFilter }` or
 * `@UseFilters(PublishValidationFilter)`, or `app.useGlobalFilters(new PublishValidationFilter(app.getHttpAdapter()))`.
 */
@Catch(MessageValidationError)
export class PublishValidationFilter extends BaseExceptionFilter {
  override catch(error: MessageValidationError, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    super.catch(new BadRequestException(publishValidationResponse(error)), host);
  }
}
