import { decodePayload, type DecodeLimits } from '../core/codec.js';
import { validateContract } from '../contracts/contract-validator.js';
import type { ConsumeNext, MessageInterceptor } from '../core/interceptor.js';
import { deliveryState, type MessageContext } from '../core/message-context.js';
import type { ContractMetadata } from '../core/contract.js';

/**
 * Decodes the body by content type (rejecting unsafe input) and, for contract-typed
 * handlers, transforms and validates it. Failures are non-retryable: straight to the dead letter.
 */
export class PayloadInterceptor implements MessageInterceptor {
  private readonly limits: DecodeLimits;

  constructor(
    maxBodyBytes: number,
    private readonly contract?: ContractMetadata,
  ) {
    this.limits = { maxBodyBytes };
  }

  async intercept(ctx: MessageContext, next: ConsumeNext): Promise<unknown> {
    const data = decodePayload(ctx.message.body, ctx.headers, this.limits);
    deliveryState(ctx).payload = this.contract ? await validateContract(this.contract.target, this.contract.name, data) : data;
    return next(ctx);
  }
}
