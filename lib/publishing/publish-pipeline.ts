import { Inject, Injectable } from '@nestjs/common';
import { composePublish, type PublishNext } from '../core/interceptor.js';
import type { OutboundMessage } from '../core/message.js';
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
    this.chain = composePublish(interceptors, async (message, info) => {
      const transport = await this.registry.connected(info.transport);
      await transport.publish(message);
    });
  }

  send(transport: string, message: OutboundMessage): Promise<void> {
    return this.chain(message, { transport });
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
