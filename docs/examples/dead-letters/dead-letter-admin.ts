// dead-letter-admin.ts
import { Injectable } from '@nestjs/common';
import { DeadLetters } from 'nestream';

@Injectable()
export class DeadLetterAdmin {
  constructor(private readonly deadLetters: DeadLetters) {}

  /** What failed in the last hour on orders.placed.dlq, oldest first; nothing is consumed. */
  async lastHour() {
    const letters = await this.deadLetters.list({
      transport: 'kafka',
      topic: 'orders.placed.dlq',
      since: new Date(Date.now() - 3_600_000),
    });
    return letters.map((l) => `${l.id} ${l.handler} ${l.reason} after ${l.attempts} attempt(s): ${l.error.message}`);
  }

  /** After the fix of BillingHandlers.charge: see what would move, then move at most 500, 50 a second. */
  async replayBilling() {
    const query = { transport: 'kafka', topic: 'orders.placed.dlq', handler: 'BillingHandlers.charge', limit: 500 };
    const plan = await this.deadLetters.replay({ ...query, dryRun: true });
    console.log(`would replay ${plan.replayed.length}, skip ${plan.skipped.length}`);
    const report = await this.deadLetters.replay({ ...query, ratePerSec: 50, maxReplays: 3 });
    for (const { letter, error } of report.failed) console.error(`${letter.id}: ${error}`);
    return report.replayed.length;
  }
}
