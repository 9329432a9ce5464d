import type { BrowsedMessage, BrowsedMessages } from '../../core/browse.js';

export interface BrowseOperations {
  /** Takes one message off the topic for good. */
  remove(message: BrowsedMessage): Promise<void>;
  /** Frees what browsing held; messages not removed stay on the topic. */
  release?(): Promise<void>;
}

/** A browse that found nothing (the topic or queue does not exist). */
export function noBrowsedMessages(): BrowsedMessages {
  return browsedMessages([], { remove: async () => undefined });
}

/**
 * What every transport's `browse()` hands back: the messages, each removable once and only
 * while held, and a `release()` that runs once however often it is called.
 */
export function browsedMessages(messages: readonly BrowsedMessage[], operations: BrowseOperations): BrowsedMessages {
  const removed = new Set<string>();
  let released: Promise<void> | undefined;
  return {
    messages,
    async remove(message) {
      if (released) throw new Error(`cannot remove message ${message.id}: its browse was released`);
      if (!messages.includes(message)) throw new Error(`message ${message.id} is not one of this browse`);
      if (removed.has(message.id)) return;
      await operations.remove(message);
      removed.add(message.id);
    },
    release() {
      return (released ??= operations.release?.() ?? Promise.resolve());
    },
  };
}
