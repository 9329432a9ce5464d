// app.module.ts: an invalid event published while serving a request answers 400 with the issues
import { Body, Controller, Module, Post } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { IsEmail, IsInt } from 'class-validator';
import { EventContract, EventPublisher, InjectPublisher, NestreamModule, PublishValidationFilter } from 'nestream';

@EventContract('user.created', { version: 'v1' })
export class UserCreated {
  @IsInt() userId!: number;
  @IsEmail() email!: string;
}

@Controller('users')
export class UsersController {
  constructor(@InjectPublisher(UserCreated) private readonly userCreated: EventPublisher<UserCreated>) {}

  @Post()
  async create(@Body() body: { email: string }) {
    const user = { userId: 1, email: body.email };
    await this.userCreated.publish(user); // rejects with MessageValidationError if invalid: nothing is sent
    return user;
  }
}

@Module({
  imports: [NestreamModule.forRoot({ serviceName: 'users' }), NestreamModule.forFeature([UserCreated])],
  controllers: [UsersController],
  providers: [{ provide: APP_FILTER, useClass: PublishValidationFilter }],
})
export class AppModule {}
