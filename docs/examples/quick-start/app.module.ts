// app.module.ts
import { Body, Controller, Module, Post } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { IsEmail, IsInt } from 'class-validator';
import { EventContract, EventPublisher, InjectPublisher, MessageContext, NestreamModule, Subscriber } from 'nestream';

@EventContract('user.created', { version: 'v1' })
export class UserCreated {
  @IsInt() userId!: number;
  @IsEmail() email!: string;
}

@Controller()
export class WelcomeHandlers {
  @Subscriber(UserCreated, { group: 'welcome' })
  onUserCreated(@Payload() event: UserCreated, @Ctx() ctx: MessageContext) {
    console.log(`welcome ${event.email} (correlation ${ctx.correlationId}, attempt ${ctx.attempt})`);
  }
}

@Controller('users')
export class UsersController {
  constructor(@InjectPublisher(UserCreated) private readonly userCreated: EventPublisher<UserCreated>) {}

  @Post()
  async create(@Body() body: { email: string }) {
    const user = { userId: Date.now(), email: body.email };
    await this.userCreated.publish(user, { key: String(user.userId) });
    return user;
  }
}

@Module({
  imports: [NestreamModule.forRoot({ serviceName: 'users' }), NestreamModule.forFeature([UserCreated])],
  controllers: [WelcomeHandlers, UsersController],
})
export class AppModule {}
