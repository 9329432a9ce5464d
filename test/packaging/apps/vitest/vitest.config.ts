// esbuild, vitest's default transform, emits no decorator metadata, which Nest's DI needs: swc does.
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: { include: ['src/**/*.spec.ts'] },
});
