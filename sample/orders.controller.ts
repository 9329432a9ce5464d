import { Body, Controller, HttpCode, Logger, Post, type OnApplicationShutdown } from '@nestjs/common';
import { InjectOutbox, type OutboxPublisher } from '../lib/outbox/index.js';
import { sampleDatabase } from './database.js';
import { OrderPlaced } from './order-events.js';

/**
 * `POST /orders`: the order row and its `order.placed` event are written in one transaction.
 * Roll it back and neither exists; commit it and the outbox relay publishes the event.
 */
@Controller('orders')
export class OrdersController implements OnApplicationShutdown {
  private readonly logger = new Logger('Orders');

  constructor(@InjectOutbox(OrderPlaced) private readonly orderPlaced: OutboxPublisher<OrderPlaced>) {}

  @Post()
  @HttpCode(201)
  async place(@Body() body: { item: string; quantity: number }) {
    const database = await sampleDatabase();
    const order = await database.transaction(async (tx) => {
      const { rows } = await tx.query('INSERT INTO orders (item, quantity) VALUES ($1, $2) RETURNING id', [body.item, body.quantity]);
      const event = { orderId: (rows[0] as { id: number }).id, item: body.item, quantity: body.quantity };
      // Invalid (say, quantity 0): this throws, the transaction rolls back, and no order exists.
      const { id } = await this.orderPlaced.publish(tx, event, { key: String(event.orderId) });
      return { ...event, eventId: id };
    });
    this.logger.log(`order ${order.orderId} written with its order.placed event ${order.eventId} in one ${database.kind} transaction`);
    return order;
  }

  async onApplicationShutdown(): Promise<void> {
    await (await sampleDatabase()).close();
  }
}
