import { Controller, Logger } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { MessageContext, Subscriber } from '../lib/index.js';
import { UserCreated } from './events.js';

/**
 * A batch handler: signups arrive in arrays (up to 50, or whatever came within 200 ms), as a
 * bulk insert into an analytics store would want them. Its own group, so it sees every
 * user.created beside the onboarding handler.
 */
@Controller()
export class SignupStatsHandlers {
  private readonly logger = new Logger('SignupStats');
  private total = 0;

  @Subscriber(UserCreated, { transport: 'main', group: 'signup-stats', batch: { maxSize: 50, maxWaitMs: 200 } })
  onSignups(@Payload() signups: UserCreated[], @Ctx() contexts: MessageContext[]) {
    this.total += signups.length;
    const ids = signups.map((s) => s.userId).join(',');
    this.logger.log(`stored ${signups.length} signup(s) in one batch [${ids}]; ${this.total} in all; first correlation_id=${contexts[0]?.correlationId}`);
  }
}
