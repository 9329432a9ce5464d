import { decodePayload, type DecodeLimits } from '../core/codec.js';
import { validatorOf, type PayloadValidator } from '../contracts/contract-validator.js';
import type { ConsumeNext, MessageInterceptor } from '../core/interceptor.js';
import { deliveryState, type MessageContext } from '../core/message-context.js';
import type { ContractMetadata } from '../core/contract.js';

/**
 * Decodes the body by content type (rejecting unsafe input) and, for contract-typed
 * handlers, transforms and validates it (the upcast step's result instead, when it upcast an older version). Failures are non-retryable: straight to the dead letter.
 * Not an async function: with a synchronous contract nothing is awaited, so no promise of its
 * own is made per message; failures still come back as a rejected promise.
 */
export class PayloadInterceptor implements MessageInterceptor {
  private readonly limits: DecodeLimits;
  /** Compiled here, at bootstrap, not on the first message. */
  private readonly validate?: PayloadValidator;

  constructor(maxBodyBytes: number, contract?: ContractMetadata) {
    this.limits = { maxBodyBytes };
    this.validate = contract ? validatorOf(contract) : undefined;
  }

  intercept(ctx: MessageContext, next: ConsumeNext): Promise<unknown> {
    let payload: unknown;
    try {
      const upcast = deliveryState(ctx).upcast;
      const data = upcast ? upcast.value : decodePayload(ctx.message.body, ctx.headers, this.limits);
      payload = this.validate ? this.validate(data) : data;
    } catch (error) {
      return Promise.reject(error);
    }
    if (payload instanceof Promise) {
      return payload.then((event) => {
        deliveryState(ctx).payload = event;
        return next(ctx);
      });
    }
    deliveryState(ctx).payload = payload;
    return next(ctx);
  }
}
