// nestream's event contract for the benchmark event. A factory, because each run uses its own
// topic (so runs never see each other's leftovers) and the topic is the contract's name.
import { IsEmail, IsIn, IsInt, IsISO8601, IsNumber, IsString, IsUUID, MaxLength, Min } from 'class-validator';
import { EventContract } from '../lib/index.js';
import type { OrderCreatedEvent } from './workload.js';

export type OrderContract = new () => OrderCreatedEvent;

export function defineOrderContract(topic: string): OrderContract {
  @EventContract(topic, { version: 'v1' })
  class OrderCreated implements OrderCreatedEvent {
    @IsUUID() orderId!: string;
    @IsInt() @Min(0) seq!: number;
    @IsString() customerId!: string;
    @IsEmail() email!: string;
    @IsIn(['EUR', 'USD', 'GBP']) currency!: string;
    @IsNumber() @Min(0) amount!: number;
    @IsISO8601() createdAt!: string;
    @IsNumber() sentAt!: number;
    @IsString() @MaxLength(200) shippingAddress!: string;
    @IsString() @MaxLength(2000) note!: string;
  }
  return OrderCreated;
}
