import type { MessageContext } from '../core/message-context.js';

/** One run of a handler method, as the test broker's call spies record it. */
export interface HandlerCall {
  readonly handler: string;
  readonly payload: unknown;
  /** The message's context; for a batch handler, the batch's first message. */
  readonly ctx: MessageContext;
  /** Batch handlers: every message's context, in the order of the payload array. */
  readonly contexts?: readonly MessageContext[];
  readonly result?: unknown;
  readonly error?: unknown;
}

export type HandlerObserver = (call: HandlerCall) => void;

/** Token of the (normally empty) list of observers told about every handler run. */
export const NESTREAM_HANDLER_OBSERVERS = Symbol('nestream:handler_observers');
