/** A command that got no reply in time; its connection has been told to reconnect. */
export class CommandDeadlineError extends Error {
  override readonly name = 'CommandDeadlineError';
}

/**
 * Resolves like `command`, or rejects once `deadlineMs` passed without a reply, after calling
 * `onExpired`. A late reply or rejection of `command` is then ignored.
 */
export function withDeadline<T>(command: Promise<T>, deadlineMs: number, onExpired: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      command.catch(() => undefined);
      onExpired();
      reject(new CommandDeadlineError(`No reply within ${deadlineMs} ms`));
    }, deadlineMs);
    command.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
