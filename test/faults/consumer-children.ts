import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./consumer-child.ts', import.meta.url));
const REGISTER = fileURLToPath(new URL('../support/ts-register.mjs', import.meta.url));
const FAULT_TARGETS_MODULE = fileURLToPath(new URL('./fault-targets.ts', import.meta.url));

/** A consumer process: a Nest app on one target, reporting each handler's start and end on stdout. */
export interface Child {
  readonly process: ChildProcess;
  readonly started: Set<number>;
  readonly done: Set<number>;
  /** When each event was first reported done, and how many times (a redelivery to the same process counts again). */
  readonly doneAt: Map<number, number>;
  readonly doneCount: Map<number, number>;
  readonly exited: Promise<number | null>;
}

export interface ChildSpec {
  /** A target's name in `targetsModule` (a module exporting `targetNamed(name)`: the fault targets by default). */
  readonly target: string;
  readonly address: string;
  readonly topic: string;
  readonly group: string;
  /** How long each handler takes. */
  readonly handlerMs: number;
  readonly shutdownTimeoutMs: number;
  readonly targetsModule?: string;
}

export function startChild(spec: ChildSpec): Promise<Child> {
  const { target, address, topic, group, handlerMs, shutdownTimeoutMs, targetsModule = FAULT_TARGETS_MODULE } = spec;
  const child = spawn(process.execPath, ['--import', REGISTER, CHILD, targetsModule, target, address, topic, group, String(handlerMs), String(shutdownTimeoutMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const started = new Set<number>();
  const done = new Set<number>();
  const doneAt = new Map<number, number>();
  const doneCount = new Map<number, number>();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`consumer child exited (${code}) before it was ready`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'ready') resolve({ process: child, started, done, doneAt, doneCount, exited });
      const [what, i] = line.split(' ');
      if (what === 'start') started.add(Number(i));
      if (what === 'done') {
        const n = Number(i);
        done.add(n);
        if (!doneAt.has(n)) doneAt.set(n, Date.now());
        doneCount.set(n, (doneCount.get(n) ?? 0) + 1);
      }
    });
  });
}

/** How many of the events 0..total-1 neither process handled. */
export function unhandled(total: number, ...handledBy: ReadonlyArray<{ has(i: number): boolean }>): number {
  let missing = 0;
  for (let i = 0; i < total; i++) if (!handledBy.some((set) => set.has(i))) missing++;
  return missing;
}
