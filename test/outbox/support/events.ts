import { IsInt, IsString } from 'class-validator';
import { EventContract } from '../../../lib/index.js';

@EventContract('outbox.test.order-placed', { version: 'v1' })
export class OrderPlaced {
  @IsString() orderId!: string;
  /** Position of the event within its key: consumers check per-key order with it. */
  @IsInt() n!: number;
}
