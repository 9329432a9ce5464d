export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** One line per case on stdout (not jest's console, which buries it in stack frames): the figures the README quotes. */
export function report(target: string, fault: string, figures: Record<string, unknown>, label = 'FAULT'): void {
  const line = Object.entries(figures)
    .map(([name, value]) => `${name}=${String(value)}`)
    .join(' ');
  process.stdout.write(`\n${label} ${target} ${fault}: ${line}\n`);
}
