// orders.service.ts
import { Injectable } from '@nestjs/common';
import { IsInt } from 'class-validator';
import { EventContract, EventPublisher, InjectPublisher, TransportRegistry } from 'nestream';
import type { KafkaTransport } from 'nestream/kafka';

@EventContract('orders')
export class OrderPlaced {
  @IsInt() orderId!: number;
}

@Injectable()
export class OrdersService {
  constructor(
    @InjectPublisher(OrderPlaced) private readonly publisher: EventPublisher<OrderPlaced>,
    private readonly transports: TransportRegistry,
  ) {}

  async place(order: OrderPlaced) {
    await this.publisher.publish(order, { key: String(order.orderId) });
  }

  // lower level, straight on the transport (no validation, no nestream headers unless you add them):
  async replay(bodies: Buffer[]) {
    const kafka = (await this.transports.connected('kafka')) as KafkaTransport;
    await kafka.publish({ topic: 'orders', body: bodies[0]!, headers: {}, key: 'o-7', options: { partition: 0, timestamp: Date.now() } });
    await kafka.publishBatch(bodies.map((body) => ({ topic: 'orders', body, headers: {} })));
  }
}
