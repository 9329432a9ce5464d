import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { EventPublisher, InjectPublisher, MessageBus } from '../lib/index.js';
import { UserCreated } from './events.js';

let nextId = 1;

@Controller('users')
export class UsersController {
  constructor(
    @InjectPublisher(UserCreated) private readonly userCreated: EventPublisher<UserCreated>,
    private readonly bus: MessageBus,
  ) {}

  /** Creates a user and publishes `user.created` through the typed publisher (validated). */
  @Post()
  @HttpCode(201)
  async create(@Body() body: { email: string; username: string }) {
    const user = { userId: nextId++, email: body.email, username: body.username };
    await this.userCreated.publish(user, { key: String(user.userId), idempotencyKey: `user-created:${user.userId}` });
    return user;
  }

  /** Publishes the body as it is, unvalidated, to show the consumer-side validation and dead letter. */
  @Post('raw')
  @HttpCode(202)
  async raw(@Body() body: unknown) {
    await this.bus.publish('user.created', body);
    return { published: 'user.created' };
  }
}
