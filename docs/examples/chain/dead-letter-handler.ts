// dead-letters.handlers.ts: reading a dead-letter topic
import { Controller, Logger } from '@nestjs/common';
import { Ctx } from '@nestjs/microservices';
import { MessageContext, Subscriber } from 'nestream';

const logger = new Logger('DeadLetters');

@Controller()
export class DeadLetterHandlers {
  @Subscriber('user.created.dlq', { retry: false, deadLetter: false, decode: false })
  onDeadLetter(@Ctx() ctx: MessageContext) {
    logger.warn(`${ctx.headers['x-dlq-reason']}: ${ctx.headers['x-dlq-error-message']}`);
  }
}
