// users.module.ts: typed publishers from forFeature, one with a default transport
import { Injectable, Module } from '@nestjs/common';
import { IsEmail, IsInt } from 'class-validator';
import { EventContract, EventPublisher, InjectPublisher, MemoryTransport, NestreamModule } from 'nestream';

@EventContract('user.created', { version: 'v1' })
export class UserCreated {
  @IsInt() userId!: number;
  @IsEmail() email!: string;
}

@EventContract('onboarding.started')
export class OnboardingStarted {
  @IsInt() userId!: number;
}

@Injectable()
export class Users {
  constructor(@InjectPublisher(UserCreated) private readonly userCreated: EventPublisher<UserCreated>) {}

  async created(event: UserCreated) {
    await this.userCreated.publish(event, { key: String(event.userId), idempotencyKey: `user-created:${event.userId}` });
  }
}

@Module({
  imports: [
    NestreamModule.forRoot({ serviceName: 'users', transports: { main: new MemoryTransport(), events: new MemoryTransport() } }),
    NestreamModule.forFeature([UserCreated, { contract: OnboardingStarted, transport: 'events' }]),
  ],
  providers: [Users],
})
export class UsersModule {}
