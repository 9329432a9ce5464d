import { decodePayload } from '../core/codec.js';
import type { ContractMetadata } from '../core/contract.js';
import { RemoteHandlerError } from '../core/errors.js';
import { ReplyHeaders } from '../core/headers.js';
import type { InboundMessage } from '../core/message.js';
import { validatorOf } from '../contracts/contract-validator.js';

/** Replies are decoded with no size limit of their own: the broker already bounded them. */
const LIMITS = { maxBodyBytes: Number.MAX_SAFE_INTEGER };

/**
 * A reply as the caller gets it: an error reply becomes a RemoteHandlerError; with a reply
 * contract the payload is validated (a MessageValidationError when the responder broke it) and
 * comes back as the contract's event; otherwise the decoded payload.
 */
export function decodeReply(topic: string, reply: InboundMessage, contract?: ContractMetadata): unknown {
  const errorName = reply.headers[ReplyHeaders.errorName];
  if (errorName !== undefined) throw new RemoteHandlerError(errorName, reply.headers[ReplyHeaders.errorMessage] ?? '', topic);
  const payload = decodePayload(reply.body, reply.headers, LIMITS);
  return contract ? validatorOf(contract)(payload) : payload;
}
