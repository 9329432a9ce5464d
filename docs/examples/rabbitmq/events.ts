// events.ts: the contracts app.module.ts consumes
import { IsEmail, IsInt, IsString } from 'class-validator';
import { EventContract } from 'nestream';

@EventContract('user.created')
export class UserCreated {
  @IsInt() userId!: number;
  @IsEmail() email!: string;
}

@EventContract('order.paid')
export class OrderPaid {
  @IsString() orderId!: string;
}
