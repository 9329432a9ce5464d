import type { BrowsedMessage, BrowsedMessages } from '../../core/browse.js';
import type { OutboundMessage } from '../../core/message.js';
import { browsedMessages } from '../kit/browsed-messages.js';

/** The dead letters the in-memory broker keeps per topic, oldest first, for `browse()`. */
export class MemoryDeadLetterLog {
  private readonly topics = new Map<string, BrowsedMessage[]>();
  private sequence = 0;

  constructor(private readonly retention: number) {}

  keep(message: OutboundMessage): void {
    if (this.retention <= 0) return;
    let log = this.topics.get(message.topic);
    if (!log) this.topics.set(message.topic, (log = []));
    log.push({ id: String(++this.sequence), body: message.body, headers: { ...message.headers }, key: message.key, storedAt: new Date() });
    if (log.length > this.retention) log.splice(0, log.length - this.retention);
  }

  browse(topic: string, limit: number): BrowsedMessages {
    const log = this.topics.get(topic) ?? [];
    return browsedMessages(log.slice(0, limit), {
      remove: async (message) => {
        const at = log.indexOf(message);
        if (at >= 0) log.splice(at, 1);
      },
    });
  }
}
