// What a careful raw-client user does to batch: the messages published in one tick go out in
// one request, and every publish of that tick resolves (or rejects) with it.

export function tickBatcher<M>(sendBatch: (messages: M[]) => Promise<void>): (message: M) => Promise<void> {
  let batch: M[] = [];
  let sent: Promise<void> | undefined;
  return (message) => {
    batch.push(message);
    return (sent ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const messages = batch;
      batch = [];
      sent = undefined;
      return sendBatch(messages);
    }));
  };
}
