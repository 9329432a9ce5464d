// order-placed.ts
import { IsInt, IsUUID, Min } from 'class-validator';
import { EventContract } from 'nestream';

@EventContract('order.placed', { version: 'v2' })   // name = topic / subject / routing key
export class OrderPlaced {
  @IsUUID() orderId!: string;
  @IsInt() @Min(1) quantity!: number;
}
