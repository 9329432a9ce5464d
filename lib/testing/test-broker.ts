import type { TestingModuleBuilder } from '@nestjs/testing';
import { ModuleRef } from '@nestjs/core';
import type { ContractClass } from '../core/contract.js';
import { NESTREAM_HANDLER_OBSERVERS, type HandlerCall } from '../config/handler-observer.js';
import { NESTREAM_OPTIONS } from '../config/nestream.module-definition.js';
import type { NestreamModuleOptions } from '../config/nestream-options.js';
import { MessageBus, type PublishOptions, type RequestOptions } from '../publishing/message-bus.js';
import type { EventOf } from '../contracts/define-contract.js';
import { decodePayload } from '../core/codec.js';
import type { OutboundMessage } from '../core/message.js';
import { MemoryTransport } from '../transports/memory/memory.transport.js';
import { TransportRegistry } from '../config/transport-registry.js';
import { DEFAULT_MEMORY_TRANSPORT } from '../config/constants.js';
import { RecordingTransport } from './recording.transport.js';

export interface PublishedMessage {
  readonly transport: string;
  readonly topic: string;
  readonly payload: unknown;
  readonly message: OutboundMessage;
}

/**
 * Runs an app's handlers with no broker: every configured transport is swapped for an
 * in-memory one of the same name (so routing between transports, the bridge, still works).
 *
 *   const broker = new TestBroker();
 *   const moduleRef = await broker.attach(Test.createTestingModule({ imports: [AppModule] })).compile();
 *   await moduleRef.createNestApplication().init();
 *   await broker.publish(UserCreated, { ... });        // resolves once every handler settled
 *   broker.published('onboarding.started');            // what was published there
 *   broker.calls('OnboardingHandlers.onUserCreated');   // each run of the handler
 *   await broker.request(PlaceOrder, { ... }, { reply: OrderAccepted }); // the handler's reply
 */
export class TestBroker {
  private readonly transports = new Map<string, RecordingTransport>();
  private readonly handlerCalls: HandlerCall[] = [];
  private moduleRef?: ModuleRef;

  attach(builder: TestingModuleBuilder): TestingModuleBuilder {
    return builder
      .overrideProvider(TransportRegistry)
      .useFactory({
        factory: (options: NestreamModuleOptions, moduleRef: ModuleRef) => {
          this.moduleRef = moduleRef;
          const names = Object.keys(options.transports ?? {});
          return new TransportRegistry(Object.fromEntries(names.map((name) => [name, this.transport(name)])), () => this.transport(DEFAULT_MEMORY_TRANSPORT));
        },
        inject: [NESTREAM_OPTIONS, ModuleRef],
      })
      .overrideProvider(NESTREAM_HANDLER_OBSERVERS)
      .useValue([(call: HandlerCall) => this.handlerCalls.push(call)]);
  }

  /** Publishes through the app's MessageBus, then waits until every handler it reached (and what they published) settled. */
  async publish(target: string | ContractClass, payload: unknown, options?: PublishOptions): Promise<void> {
    if (!this.moduleRef) throw new Error('TestBroker: attach() it to the testing module and compile before publishing');
    await this.moduleRef.get(MessageBus, { strict: false }).publish(target, payload, options);
    await this.settled();
  }

  /**
   * Sends a request through the app's MessageBus and resolves with the handler's reply (typed
   * and validated with `reply: Contract`); rejects with the handler's error as a RemoteHandlerError.
   */
  request<R extends ContractClass>(target: string | ContractClass, payload: unknown, options: RequestOptions<R> & { reply: R }): Promise<EventOf<R>>;
  request(target: string | ContractClass, payload: unknown, options?: RequestOptions<undefined>): Promise<unknown>;
  async request(target: string | ContractClass, payload: unknown, options: RequestOptions<ContractClass | undefined> = {}): Promise<unknown> {
    if (!this.moduleRef) throw new Error('TestBroker: attach() it to the testing module and compile before sending requests');
    return this.moduleRef.get(MessageBus, { strict: false }).request(target, payload, options as RequestOptions<undefined>);
  }

  /** Resolves when no message is queued, waiting for redelivery, or being handled, on any transport. */
  async settled(): Promise<void> {
    for (;;) {
      await Promise.all([...this.transports.values()].map((t) => t.memory.whenIdle()));
      await new Promise((resolve) => setImmediate(resolve));
      if ([...this.transports.values()].every((t) => t.memory.isIdle())) return;
    }
  }

  /** Everything published to `topic` (on any transport, or the one named), decoded. */
  published(topic: string, transport?: string): PublishedMessage[] {
    const all = [...this.transports.entries()].flatMap(([name, t]) =>
      t.sent.filter((m) => m.topic === topic && (!transport || transport === name)).map((message) => ({ transport: name, topic, message, payload: decode(message) })),
    );
    return all;
  }

  /** Each run of a handler (`Class.method`), in order, with payload, context and result or error. */
  calls(handler: string): HandlerCall[] {
    return this.handlerCalls.filter((call) => call.handler === handler);
  }

  /** The in-memory transport standing in for `name`. */
  transport(name: string): RecordingTransport {
    let transport = this.transports.get(name);
    if (!transport) this.transports.set(name, (transport = new RecordingTransport(new MemoryTransport())));
    return transport;
  }

  /** Forget recorded publishes and calls (between tests sharing one app). */
  reset(): void {
    this.handlerCalls.length = 0;
    for (const transport of this.transports.values()) transport.sent.length = 0;
  }
}

function decode(message: OutboundMessage): unknown {
  try {
    return decodePayload(message.body, message.headers, { maxBodyBytes: Number.MAX_SAFE_INTEGER });
  } catch {
    return message.body;
  }
}
