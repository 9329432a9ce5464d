// audit.service.ts: the MessageBus publishes anything anywhere
import { Injectable } from '@nestjs/common';
import { MessageBus } from 'nestream';
import { UserCreated } from './typed-publisher.js';

@Injectable()
export class Audit {
  constructor(private readonly bus: MessageBus) {}

  async loggedIn(event: UserCreated) {
    await this.bus.publish('audit.log', { action: 'login' }, { transport: 'nats', headers: { tenant: 'acme' } });
    await this.bus.publish(UserCreated, event);   // with a contract class: validated first
  }
}
