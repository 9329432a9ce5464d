// V8's CPU profiler (what `node --cpu-prof` uses) around the measured phase only, so start-up,
// module loading and warm-up do not blur where the per-message time goes.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

export interface PhaseHooks {
  beforeMeasure(): Promise<void>;
  afterMeasure(): Promise<void>;
}

export function cpuProfiler(path: string): PhaseHooks {
  const session = new Session();
  return {
    async beforeMeasure() {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 100 });
      await session.post('Profiler.start');
    },
    async afterMeasure() {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(path, JSON.stringify(profile));
      session.disconnect();
    },
  };
}
