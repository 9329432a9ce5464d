import { Inject, Injectable } from '@nestjs/common';
import { composePublish, type PublishNext } from '../core/interceptor.js';
import type { OutboundMessage } from '../core/message.js';
import { CorrelationInterceptor } from '../interceptors/correlation.interceptor.js';
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
    @Inject(NESTREAM_TELEMETRY) telemetry: NestreamTelemetry,
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
}
