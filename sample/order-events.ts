import { IsInt, IsPositive, IsString, Length } from 'class-validator';
import { EventContract } from '../lib/index.js';

/** Written with its order in one transaction (the outbox), published by the relay once that commits. */
@EventContract('order.placed', { version: 'v1' })
export class OrderPlaced {
  @IsInt() orderId!: number;
  @IsString() @Length(1, 64) item!: string;
  @IsInt() @IsPositive() quantity!: number;
}
