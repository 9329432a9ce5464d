import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { IsNumber, IsString } from 'class-validator';
import { EventContract, MessageBus, MessageContext, NestreamRegistrar, Publisher, Subscriber, type Transport } from '../../lib/index.js';
import { bootApp } from '../support/app-harness.js';

/** The event both sides share: a nestream contract here, a pydantic model in python/peer.py. */
class OrderFields {
  @IsString() orderId!: string;
  @IsNumber() amount!: number;
  @IsString() note!: string;
}

/** What a nestream handler got from FastStream. */
export interface NestreamReceipt {
  readonly topic: string;
  readonly payload: unknown;
  readonly correlationId: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** The topics of one run; `to-py.*` and `bridge.out` are FastStream's, the others nestream's. */
export function interopTopics(prefix: string) {
  return {
    toNestream: { model: `${prefix}.to-ns.model`, str: `${prefix}.to-ns.str`, bytes: `${prefix}.to-ns.bytes` },
    toFastStream: { model: `${prefix}.to-py.model`, str: `${prefix}.to-py.str`, bytes: `${prefix}.to-py.bytes` },
    bridgeIn: `${prefix}.bridge.in`,
    bridgeOut: `${prefix}.bridge.out`,
    /** Requests nestream answers, and requests FastStream answers (python/peer.py). */
    rpcNestream: `${prefix}.rpc.ns`,
    rpcFastStream: `${prefix}.rpc.py`,
  } as const;
}

export interface NestreamPeer {
  readonly app: INestApplication;
  readonly bus: MessageBus;
  readonly receipts: NestreamReceipt[];
  /** The contract nestream publishes to FastStream's model topic. */
  readonly OrderForFastStream: new () => OrderFields;
}

/**
 * A nestream service as a user writes one: contract handlers, plain-topic handlers for a str and
 * for bytes, and a bridge (a handler whose return value `@Publisher` sends on).
 */
export async function startNestream(prefix: string, transport: Transport, transportOptions: Record<string, unknown>): Promise<NestreamPeer> {
  const topics = interopTopics(prefix);
  const receipts: NestreamReceipt[] = [];
  const record = (payload: unknown, ctx: MessageContext) =>
    receipts.push({ topic: ctx.topic, payload: Buffer.isBuffer(payload) || typeof payload === 'string' ? payload : { ...(payload as object) }, correlationId: ctx.correlationId, headers: ctx.headers });

  @EventContract(topics.toNestream.model)
  class OrderFromFastStream extends OrderFields {}
  @EventContract(topics.toFastStream.model)
  class OrderForFastStream extends OrderFields {}
  @EventContract(topics.bridgeIn)
  class OrderToBridge extends OrderFields {}
  @EventContract(topics.bridgeOut)
  class OrderBridged extends OrderFields {}
  @EventContract(topics.rpcNestream)
  class QuoteRequest extends OrderFields {}

  const options = { group: `${prefix}.ns`, transportOptions, retry: false as const, deadLetter: false };

  @Injectable()
  class InteropHandlers {
    @Subscriber(OrderFromFastStream, options)
    onOrder(@Payload() order: OrderFromFastStream, @Ctx() ctx: MessageContext) {
      record(order, ctx);
    }

    @Subscriber(topics.toNestream.str, options)
    onText(@Payload() text: string, @Ctx() ctx: MessageContext) {
      record(text, ctx);
    }

    @Subscriber(topics.toNestream.bytes, options)
    onBytes(@Payload() bytes: Buffer, @Ctx() ctx: MessageContext) {
      record(bytes, ctx);
    }

    @Subscriber(OrderToBridge, options)
    @Publisher(OrderBridged)
    bridge(@Payload() order: OrderToBridge, @Ctx() ctx: MessageContext): OrderBridged {
      record(order, ctx);
      return { ...order, note: `${order.note} via nestream` };
    }

    /** Answers a request: the return value goes to the request's reply address. */
    @Subscriber(QuoteRequest, options)
    quote(@Payload() order: QuoteRequest, @Ctx() ctx: MessageContext): { orderId: string; price: number } {
      record(order, ctx);
      return { orderId: order.orderId, price: order.amount * 3 };
    }
  }

  const app = await bootApp({ serviceName: 'interop', transports: { broker: transport } }, [InteropHandlers], [OrderForFastStream]);
  await app.get(NestreamRegistrar).whenReady();
  return { app, bus: app.get(MessageBus), receipts, OrderForFastStream };
}
