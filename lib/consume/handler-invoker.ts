import { ExternalContextCreator, type ParamsFactory } from '@nestjs/core';
import type { MessageContext } from '../core/message-context.js';
import { plainInvocation } from './plain-invocation.js';
import { withoutDuplicateErrorLogs } from './quiet-exceptions.js';

/** Nest stores @Payload() / @Ctx() under the route-arguments key with these RpcParamtype values. */
const ROUTE_ARGS_METADATA = '__routeArguments__';
const RPC_PAYLOAD = 3;
const RPC_CONTEXT = 6;

/** Maps @Payload() to the decoded payload (or one property of it) and @Ctx() to the MessageContext (a batch: the array of them). */
export class MessageParamsFactory implements ParamsFactory {
  exchangeKeyForValue(type: number, data: unknown, args: [unknown, MessageContext]): unknown {
    if (type === RPC_PAYLOAD) {
      const payload = args[0] as Record<string, unknown> | undefined;
      return typeof data === 'string' && payload ? payload[data] : payload;
    }
    if (type === RPC_CONTEXT) return args[1];
    return undefined;
  }
}

/** `ctx` is one MessageContext, or for a batch handler the contexts of its messages. */
export type HandlerInvocation = (payload: unknown, ctx: MessageContext | readonly MessageContext[]) => Promise<unknown>;

/**
 * Wraps a handler method with Nest's external context, so the app's guards, interceptors,
 * pipes and exception filters apply to it as to an RPC handler (`context.getType() === 'rpc'`).
 * An error no filter of the app handles is not logged by Nest: nestream logs it (quiet-exceptions.ts).
 * A method nothing enhances is called directly, its parameters resolved as Nest would (plain-invocation.ts).
 */
export function createHandlerInvocation(creator: ExternalContextCreator, instance: object, methodName: string): HandlerInvocation {
  const method = (instance as Record<string, (...args: unknown[]) => unknown>)[methodName]!;
  const paramsFactory = new MessageParamsFactory();
  // Nest's handler is built in any case: its checks and warnings at bootstrap stay as they were.
  const viaNest = withoutDuplicateErrorLogs(creator).create(instance, method, methodName, ROUTE_ARGS_METADATA, paramsFactory, undefined, undefined, undefined, 'rpc');
  return plainInvocation(creator, instance, methodName, paramsFactory, ROUTE_ARGS_METADATA) ?? viaNest;
}
