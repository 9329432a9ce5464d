import { decodePayload, type DecodeLimits } from '../core/codec.js';
import { validatorOf, type PayloadValidator } from '../contracts/contract-validator.js';
import { BadMessageError } from '../core/errors.js';
import { Headers } from '../core/headers.js';
import type { ConsumeNext, MessageInterceptor } from '../core/interceptor.js';
import { deliveryState, type MessageContext } from '../core/message-context.js';
import type { VersionPlan } from '../core/version-plan.js';

interface Step {
  readonly validate: PayloadValidator;
  readonly convert: (event: unknown) => unknown;
}

/**
 * For a subscriber of a versioned contract: a message of its own version goes straight on; an
 * older one is decoded and run through the declared upcasters (each gets a validated event of
 * its `from` version), and the payload step then validates the result. A version with no path
 * is not retried: it is dead-lettered with reason `unsupported-version`. Of the copies a
 * downcasting producer sent, only the one nearest this subscriber's version is handled.
 */
export class UpcastInterceptor implements MessageInterceptor {
  private readonly limits: DecodeLimits;
  /** Per source version, compiled at bootstrap. */
  private readonly steps = new Map<string, readonly Step[]>();

  constructor(
    private readonly plan: VersionPlan,
    maxBodyBytes: number,
  ) {
    this.limits = { maxBodyBytes };
    for (const version of plan.versions) {
      const path = plan.path(version);
      if (path && path.length > 0) this.steps.set(version, path.map((cast) => ({ validate: validatorOf(cast.from), convert: cast.convert as Step['convert'] })));
    }
  }

  intercept(ctx: MessageContext, next: ConsumeNext): Promise<unknown> {
    const version = this.plan.versionOf(ctx.headers);
    const copies = ctx.headers[Headers.eventVersions];
    if (copies && this.plan.chosenCopy(copies.split(',')) !== version) {
      // Another copy of this event, in a version nearer this subscriber's, is handled instead.
      deliveryState(ctx).disposition = 'duplicate';
      return Promise.resolve(undefined);
    }
    if (version === this.plan.target.version) return next(ctx);
    const steps = this.steps.get(version);
    if (!steps) return Promise.reject(this.unsupported(ctx, version));
    try {
      const upcast = run(steps, 0, decodePayload(ctx.message.body, ctx.headers, this.limits));
      if (upcast instanceof Promise) {
        return upcast.then((value) => {
          deliveryState(ctx).upcast = { value };
          return next(ctx);
        });
      }
      deliveryState(ctx).upcast = { value: upcast };
    } catch (error) {
      return Promise.reject(error);
    }
    return next(ctx);
  }

  private unsupported(ctx: MessageContext, version: string): BadMessageError {
    const { target, versions } = this.plan;
    return new BadMessageError(
      'unsupported-version',
      `${ctx.handler} takes ${target.name} ${target.version}, and no upcaster leads from ${version} to it (declared versions: ${versions.join(', ')})`,
    );
  }
}

/** Validate, convert, and on to the next step; a promise only where a validator is asynchronous. */
function run(steps: readonly Step[], index: number, payload: unknown): unknown {
  if (index === steps.length) return payload;
  const step = steps[index]!;
  const event = step.validate(payload);
  if (event instanceof Promise) return event.then((valid) => run(steps, index + 1, step.convert(valid)));
  return run(steps, index + 1, step.convert(event));
}
