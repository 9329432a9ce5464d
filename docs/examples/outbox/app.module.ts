// app.module.ts: the outbox on the writing side (TypeORM here), the inbox on the consuming side
import { Controller, Injectable, Module } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { IsInt, IsString } from 'class-validator';
import type { PoolClient } from 'pg';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { EventContract, NestreamModule, Subscriber } from 'nestream';
import { KafkaTransport } from 'nestream/kafka';
import { InjectOutbox, NestreamOutboxModule, OutboxPublisher, pgDatabase, PostgresInboxStore, InboxTransaction } from 'nestream/outbox';

@EventContract('order.placed')
export class OrderPlaced {
  @IsInt() orderId!: number;
  @IsString() item!: string;
}

@Entity('orders')
export class OrderEntity {
  @PrimaryColumn() id!: number;
  @Column() item!: string;
}

const kafka = new KafkaTransport({ brokers: ['127.0.0.1:9092'] });
const database = pgDatabase({ connectionString: process.env.DATABASE_URL });   // the relay's and the inbox's own pool

@Injectable()
export class OrdersService {
  constructor(
    @InjectOutbox(OrderPlaced) private readonly orderPlaced: OutboxPublisher<OrderPlaced>,
    private readonly dataSource: DataSource,                           // your TypeORM DataSource provider
  ) {}

  place(order: OrderEntity) {
    return this.dataSource.transaction(async (manager) => {             // TypeORM; any handle below works
      await manager.insert(OrderEntity, order);
      await this.orderPlaced.publish(manager, { orderId: order.id, item: order.item }, { key: String(order.id) });
    });                                                                 // rolled back: neither order nor event
  }
}

@Controller()
export class Shipping {
  @Subscriber(OrderPlaced, { group: 'shipping', idempotent: true })  // the inbox: PostgresInboxStore above
  async ship(@Payload() event: OrderPlaced) {
    const client = InboxTransaction.current<PoolClient>();            // the attempt's transaction
    await client.query('INSERT INTO shipments (order_id) VALUES ($1)', [event.orderId]);
  }                                                                   // commits with the processed mark, or neither does
}

@Module({
  imports: [
    NestreamModule.forRoot({ serviceName: 'orders', transports: { kafka }, idempotency: { store: new PostgresInboxStore({ database }) } }),
    NestreamOutboxModule.forRoot({ database, createSchema: true }),   // relay in this app (default); `relay: false` when a relay process publishes
    NestreamOutboxModule.forFeature([OrderPlaced]),                    // @InjectOutbox(OrderPlaced)
  ],
  providers: [OrdersService, { provide: DataSource, useFactory: () => new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, entities: [OrderEntity] }).initialize() }],
  controllers: [Shipping],
})
export class AppModule {}
