import { Injectable, type NestMiddleware } from '@nestjs/common';
import { CorrelationScope } from '../core/correlation.js';

export const HTTP_CORRELATION_HEADER = 'x-correlation-id';

interface HttpRequest {
  headers: Record<string, string | string[] | undefined>;
}
interface HttpResponse {
  setHeader(name: string, value: string): unknown;
}

/**
 * Takes `x-correlation-id` from the request (or makes one), echoes it on the response, and
 * binds it for the request's async scope, so events published while serving it carry it.
 */
@Injectable()
export class CorrelationIdMiddleware implements NestMiddleware {
  use(req: HttpRequest, res: HttpResponse, next: () => void): void {
    const incoming = req.headers[HTTP_CORRELATION_HEADER];
    const correlationId = (Array.isArray(incoming) ? incoming[0] : incoming)?.trim() || CorrelationScope.newId();
    res.setHeader(HTTP_CORRELATION_HEADER, correlationId);
    CorrelationScope.run(correlationId, next);
  }
}
