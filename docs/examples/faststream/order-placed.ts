// order-placed.ts: the event a FastStream service and this nestream service share. The pydantic
// model on the python side has the same fields; the contract's name is the topic (Kafka topic,
// NATS subject, RabbitMQ routing key, Redis stream or channel).
import { IsNumber, IsString } from 'class-validator';
import { EventContract } from 'nestream';

@EventContract('orders.placed')
export class OrderPlaced {
  @IsString() orderId!: string;
  @IsNumber() amount!: number;
}

@EventContract('orders.billed')
export class OrderBilled {
  @IsString() orderId!: string;
  @IsNumber() amount!: number;
  @IsString() invoice!: string;
}
