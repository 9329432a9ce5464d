import { Controller, Logger } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { DeadLetterHeaders, MessageContext, Publisher, Subscriber } from '../lib/index.js';
import { OnboardingStarted, UserCreated } from './events.js';

@Controller()
export class OnboardingHandlers {
  private readonly logger = new Logger('Onboarding');

  /** Consumes on `main`, publishes its result on `events`: the bridge. */
  @Subscriber(UserCreated, { transport: 'main', group: 'onboarding' })
  @Publisher(OnboardingStarted, { transport: 'events' })
  onUserCreated(@Payload() event: UserCreated, @Ctx() ctx: MessageContext): OnboardingStarted {
    this.logger.log(`user.created ${event.userId} <${event.email}> correlation_id=${ctx.correlationId}`);
    return { userId: event.userId, correlationId: ctx.correlationId };
  }

  /** Whatever failed in onUserCreated lands here, with the reason in its headers. */
  @Subscriber('user.created.dlq', { transport: 'main', group: 'dlq-monitor', retry: false, deadLetter: false, decode: false })
  onDeadLetter(@Ctx() ctx: MessageContext) {
    const h = ctx.headers;
    this.logger.warn(
      `user.created.dlq reason=${h[DeadLetterHeaders.reason]} error="${h[DeadLetterHeaders.errorMessage]}" handler=${h[DeadLetterHeaders.handler]} attempts=${h[DeadLetterHeaders.attempts]} correlation_id=${ctx.correlationId}`,
    );
  }
}

@Controller()
export class NotificationHandlers {
  private readonly logger = new Logger('Notifications');

  @Subscriber(OnboardingStarted, { transport: 'events', group: 'notifications' })
  onOnboardingStarted(@Payload() event: OnboardingStarted, @Ctx() ctx: MessageContext) {
    this.logger.log(`onboarding.started for user ${event.userId} on ${ctx.transport} correlation_id=${ctx.correlationId}`);
  }
}
