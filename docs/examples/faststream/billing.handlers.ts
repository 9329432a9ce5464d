// billing.handlers.ts: consumes what FastStream publishes, publishes what FastStream consumes.
import { Injectable } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { MessageContext, Publisher, Subscriber } from 'nestream';
import { OrderBilled, OrderPlaced } from './order-placed.js';

@Injectable()
export class BillingHandlers {
  // A FastStream `await broker.publish(OrderPlaced(...), "orders.placed")` lands here, validated.
  // The return value goes to "orders.billed" with the same correlation_id, where a FastStream
  // subscriber typed `OrderBilled` (pydantic) receives it.
  @Subscriber(OrderPlaced, { group: 'billing' })
  @Publisher(OrderBilled)
  bill(@Payload() order: OrderPlaced, @Ctx() ctx: MessageContext): OrderBilled {
    console.log(`billing ${order.orderId}, correlation ${ctx.correlationId}`);
    return { ...order, invoice: `INV-${order.orderId}` };
  }

  // FastStream `await broker.publish("some text", "audit.lines")`: content-type text/plain → a string.
  @Subscriber('audit.lines', { group: 'billing' })
  audit(@Payload() line: string) {
    console.log(line);
  }

  // FastStream `await broker.publish(b"\x00\xff", "blobs")`: bytes (FastStream sends no content type) → a Buffer.
  @Subscriber('blobs', { group: 'billing' })
  blob(@Payload() bytes: Buffer) {
    console.log(bytes.length);
  }
}
