import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { encodePayload } from '../core/codec.js';
import { isoNow } from '../core/iso-now.js';
import { checkerOf } from '../contracts/contract-validator.js';
import { Headers, ReplyHeaders, type MessageHeaders } from '../core/headers.js';
import { ConfigurationError } from '../core/errors.js';
import { decodeReply } from './reply-decoding.js';
import type { EventOf } from '../contracts/define-contract.js';
import type { ContractClass, ContractMetadata } from '../core/contract.js';
import { contractOf } from '../decorators/metadata-accessor.js';
import { NESTREAM_OPTIONS } from '../config/nestream.module-definition.js';
import type { NestreamModuleOptions } from '../config/nestream-options.js';
import { TransportRegistry } from '../config/transport-registry.js';
import type { InboundMessage, OutboundMessage } from '../core/message.js';
import { PublishPipeline } from './publish-pipeline.js';
import { DowncastCopies, type DowncastFanOut } from './downcast-copies.js';

export interface PublishOptions {
  /** Name of a configured transport. Default: the first one. */
  transport?: string;
  /** Partition / ordering key. */
  key?: string;
  headers?: MessageHeaders;
  /** Stamped as `x-idempotency-key`; consumers with idempotency skip repeats of it. */
  idempotencyKey?: string;
  /** Default: a new UUID. */
  messageId?: string;
  /**
   * The flow this message belongs to, stamped as `correlation_id`. Default: the correlation id
   * of the scope the publish runs in (the message being handled, the HTTP request, or
   * `CorrelationScope.run`), else the message's own id.
   */
  correlationId?: string;
  /** Broker-specific publish options (see each transport). */
  transportOptions?: Record<string, unknown>;
}

/** A request: publish options, how long to wait, and (optionally) the reply's contract. */
export interface RequestOptions<R = unknown> extends PublishOptions {
  /** Reject with a RequestTimeoutError when no reply came within this long. Default 5,000. */
  timeoutMs?: number;
  /** The reply's contract: the reply is validated and comes back as its event. */
  reply?: R;
  /** The request's correlation id; default a new one (each request is its own conversation, as in FastStream). */
  correlationId?: string;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

/** A publish built but not sent: the transport's name and the encoded message. */
export interface PreparedPublish {
  readonly transport: string;
  readonly message: OutboundMessage;
}

/**
 * Publishes to any topic on any transport. Stamps the event metadata headers; with a contract
 * class the payload is validated first, and nothing is sent if it is invalid.
 */
@Injectable()
export class MessageBus {
  private readonly serviceName: string;
  private readonly downcasts: DowncastCopies;

  constructor(
    private readonly pipeline: PublishPipeline,
    private readonly registry: TransportRegistry,
    @Inject(NESTREAM_OPTIONS) options: NestreamModuleOptions,
  ) {
    this.serviceName = options.serviceName;
    this.downcasts = new DowncastCopies(options.downcasters);
  }

  async publish(target: string | ContractClass, payload: unknown, options: PublishOptions = {}): Promise<void> {
    if (typeof target === 'string') return this.send(target, payload, options);
    return this.publishContract(contractOf(target, 'MessageBus.publish'), payload, options);
  }

  /** Validates against an already-resolved contract, then sends: no metadata lookup per message. */
  publishContract(contract: ContractMetadata, payload: unknown, options: PublishOptions = {}): Promise<void> {
    const fanOut = this.downcasts.of(contract);
    if (fanOut) return this.publishWithCopies(contract, payload, options, fanOut);
    let checked: unknown;
    try {
      checked = checkerOf(contract)(payload);
    } catch (error) {
      return Promise.reject(error);
    }
    // Only a contract with an asynchronous rule gives a promise to wait for; others go straight on.
    if (checked instanceof Promise) return checked.then(() => this.send(contract.name, payload, options, contract));
    return this.send(contract.name, payload, options, contract);
  }

  /**
   * A downcasting producer: the event and an older-version copy per downcaster, each validated
   * before any is sent, each its own message (own id; idempotency key suffixed `@<version>`, so a
   * consumer skipping one copy does not mark the other processed), all carrying `x-event-versions`.
   */
  private async publishWithCopies(contract: ContractMetadata, payload: unknown, options: PublishOptions, fanOut: DowncastFanOut): Promise<void> {
    const all = [{ contract, payload }, ...fanOut.copies.map((copy) => ({ contract: copy.contract, payload: copy.convert(payload) }))];
    await Promise.all(all.map((one) => checkerOf(one.contract)(one.payload)));
    const headers = { ...options.headers, [Headers.eventVersions]: fanOut.versions };
    await Promise.all(
      all.map((one, index) => {
        const copyOptions: PublishOptions = { ...options, headers, messageId: index === 0 ? options.messageId : undefined };
        if (index > 0 && options.idempotencyKey) copyOptions.idempotencyKey = `${options.idempotencyKey}@${one.contract.version}`;
        return this.send(one.contract.name, one.payload, copyOptions, one.contract);
      }),
    );
  }

  /** Publishes without contract validation; used where the payload was validated already. */
  send(topic: string, payload: unknown, options: PublishOptions, contract?: ContractMetadata): Promise<void> {
    let prepared: PreparedPublish;
    try {
      prepared = this.outbound(topic, payload, options, contract);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.pipeline.send(prepared.transport, prepared.message);
  }

  /**
   * Publishes a request (validated first, with a contract) and resolves with the reply: the
   * reply contract's event when `options.reply` names one, else the decoded payload. Rejects
   * with a RemoteHandlerError when the handler failed, a RequestTimeoutError when no reply came.
   */
  request<R extends ContractClass>(target: string | ContractClass, payload: unknown, options: RequestOptions<R> & { reply: R }): Promise<EventOf<R>>;
  request(target: string | ContractClass, payload: unknown, options?: RequestOptions<undefined>): Promise<unknown>;
  request(target: string | ContractClass, payload: unknown, options: RequestOptions<ContractClass | undefined> = {}): Promise<unknown> {
    const contract = typeof target === 'string' ? undefined : contractOf(target, 'MessageBus.request');
    return this.requestTo(contract?.name ?? (target as string), contract, payload, options);
  }

  /** A request to an already-resolved contract (or a bare topic): no metadata lookup per request. */
  async requestTo(topic: string, contract: ContractMetadata | undefined, payload: unknown, options: RequestOptions<ContractClass | undefined>): Promise<unknown> {
    const replyContract = options.reply ? contractOf(options.reply, 'request({ reply })') : undefined;
    const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    if (!(timeoutMs > 0)) throw new ConfigurationError(`request to ${topic}: timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`);
    if (contract) await checkerOf(contract)(payload);
    const { transport, message } = this.outbound(topic, payload, options, contract);
    message.headers[Headers.correlationId] = options.correlationId ?? options.headers?.[Headers.correlationId] ?? randomUUID();
    const reply = await this.pipeline.request(transport, message, { timeoutMs, service: this.serviceName });
    return decodeReply(topic, reply, replyContract);
  }

  /** Sends a handler's result (or error) to the reply address of the request it handled. */
  reply(transport: string, request: InboundMessage, result: unknown, error?: { name: string; message: string }): Promise<void> {
    const { message } = this.outbound(request.topic + '.reply', result === undefined ? null : result, { transport });
    message.topic = request.replyTo!;
    if (error) Object.assign(message.headers, { [ReplyHeaders.errorName]: error.name, [ReplyHeaders.errorMessage]: error.message });
    return this.pipeline.reply(transport, request, message);
  }

  /**
   * The outbox's seam: what `send` would hand the publish chain (encoded body, event metadata,
   * target transport), plus what the chain would take from the caller's scope (correlation id,
   * trace context), built now without sending. `sendPrepared` publishes it later, elsewhere.
   */
  prepare(topic: string, payload: unknown, options: PublishOptions, contract?: ContractMetadata): PreparedPublish {
    const prepared = this.outbound(topic, payload, options, contract);
    this.pipeline.captureScope(prepared.message);
    return prepared;
  }

  /** Publishes a prepared message through the chain, in the trace context it was prepared in. */
  sendPrepared({ transport, message }: PreparedPublish): Promise<void> {
    return this.pipeline.sendCaptured(transport, message);
  }

  private outbound(topic: string, payload: unknown, options: PublishOptions, contract?: ContractMetadata): PreparedPublish {
    const { body, contentType } = encodePayload(payload);
    const headers: MessageHeaders = {
      ...options.headers,
      [Headers.contentType]: contentType,
      [Headers.messageId]: options.messageId ?? options.headers?.[Headers.messageId] ?? randomUUID(),
      [Headers.eventType]: contract?.name ?? topic,
      [Headers.occurredAt]: isoNow(),
      [Headers.source]: this.serviceName,
    };
    if (contract?.version) headers[Headers.eventVersion] = contract.version;
    if (options.idempotencyKey) headers[Headers.idempotencyKey] = options.idempotencyKey;
    if (options.correlationId !== undefined) headers[Headers.correlationId] = checkedCorrelationId(options.correlationId, topic);
    const transport = options.transport ?? this.registry.defaultName;
    return { transport, message: { topic, body, headers, key: options.key, options: options.transportOptions } };
  }
}

/** An explicit correlation id must name a flow: an empty one would read as "none" downstream. */
function checkedCorrelationId(correlationId: unknown, topic: string): string {
  if (typeof correlationId === 'string' && correlationId.length > 0) return correlationId;
  throw new TypeError(`nestream publish to ${topic}: correlationId must be a non-empty string, got ${JSON.stringify(correlationId)}`);
}
