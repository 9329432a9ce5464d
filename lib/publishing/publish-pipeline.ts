import { Inject, Injectable } from '@nestjs/common';
import { composePublish, type PublishInfo, type PublishNext } from '../core/interceptor.js';
import type { InboundMessage, OutboundMessage } from '../core/message.js';
import type { PendingRequest } from '../core/interceptor.js';
import { ConfigurationError } from '../core/errors.js';
import type { TransportRequestOptions, Transport } from '../core/transport.js';
import { CorrelationInterceptor, stampCorrelationId } from '../interceptors/correlation.interceptor.js';
import { NESTREAM_OPTIONS } from '../config/nestream.module-definition.js';
import type { NestreamModuleOptions } from '../config/nestream-options.js';
import { NESTREAM_TELEMETRY, type NestreamTelemetry } from '../observability/nestream-telemetry.js';
import { TransportRegistry } from '../config/transport-registry.js';

/**
 * The outbound side of the interceptor chain, composed once: every publish (bus, typed
 * publisher, @Publisher result, dead letter) passes through it to its transport.
 */
@Injectable()
export class PublishPipeline {
  private readonly chain: PublishNext;

  constructor(
    private readonly registry: TransportRegistry,
    @Inject(NESTREAM_OPTIONS) options: NestreamModuleOptions,
    @Inject(NESTREAM_TELEMETRY) private readonly telemetry: NestreamTelemetry,
  ) {
    const interceptors = [new CorrelationInterceptor(), ...telemetry.publish(), ...(options.interceptors ?? [])];
    // Not an async function: a publish to a connected transport is the transport's own promise, nothing wrapped around it.
    this.chain = composePublish(interceptors, (message, info) => {
      const transport = this.registry.connectedNow(info.transport);
      if (transport) return deliver(transport, message, info);
      return this.registry.connected(info.transport).then((connected) => deliver(connected, message, info));
    });
  }

  send(transport: string, message: OutboundMessage): Promise<void> {
    return this.chain(message, { transport });
  }

  /** Sends a request through the chain (correlation id, trace context, metrics as any publish) and resolves with the reply. */
  async request(transport: string, message: OutboundMessage, options: TransportRequestOptions): Promise<InboundMessage> {
    const pending: PendingRequest = { timeoutMs: options.timeoutMs, service: options.service };
    await this.chain(message, { transport, request: pending });
    return pending.reply!;
  }

  /** Sends `message` through the chain to the reply address of `request`. */
  reply(transport: string, request: InboundMessage, message: OutboundMessage): Promise<void> {
    return this.chain(message, { transport, replyFor: request });
  }

  /**
   * Stamps on a message that will be sent later what the chain would take from the caller's
   * scope now: the correlation id and (tracing on) the W3C trace context of the active span.
   */
  captureScope(message: OutboundMessage): void {
    stampCorrelationId(message);
    this.telemetry.captureTraceContext(message.headers);
  }

  /** Sends a message stamped by `captureScope` inside its trace context, so its producer span is a child of the span that wrote it. */
  sendCaptured(transport: string, message: OutboundMessage): Promise<void> {
    return this.telemetry.withTraceContext(message.headers, () => this.send(transport, message));
  }
}

function deliver(transport: Transport, message: OutboundMessage, info: PublishInfo): Promise<void> {
  if (info.request) {
    const request = info.request;
    return requestOn(transport, info.transport, message, request).then((reply) => void (request.reply = reply));
  }
  if (info.replyFor) return replyOn(transport, info.transport, info.replyFor, message);
  return transport.publish(message);
}

function requestOn(transport: Transport, name: string, message: OutboundMessage, request: PendingRequest): Promise<InboundMessage> {
  if (!transport.request) throw new ConfigurationError(`Transport '${name}' (${transport.kind}) has no request/reply`);
  return transport.request(message, request);
}

function replyOn(transport: Transport, name: string, request: InboundMessage, message: OutboundMessage): Promise<void> {
  if (!transport.reply) throw new ConfigurationError(`Transport '${name}' (${transport.kind}) has no request/reply`);
  return transport.reply(request, message);
}
