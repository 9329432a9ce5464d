import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/** The React component's browser build: an optional peer, so apps without the page never install it. */
export const PAGE_PACKAGE = '@asyncapi/react-component';
const SCRIPT = `${PAGE_PACKAGE}/browser/standalone/index.js`;
const STYLES = `${PAGE_PACKAGE}/styles/default.min.css`;

export interface PageAssets {
  readonly script: string;
  readonly styles: string;
}

const require = createRequire(import.meta.url);

/** Where the bundle is installed, or undefined when the package is not. */
export function pageAssetPaths(): { script: string; styles: string } | undefined {
  try {
    return { script: require.resolve(SCRIPT), styles: require.resolve(STYLES) };
  } catch {
    return undefined;
  }
}

let loading: Promise<PageAssets | undefined> | undefined;

/** Read once (3 MB of script) and kept for the life of the process. */
export function loadPageAssets(): Promise<PageAssets | undefined> {
  return (loading ??= (async () => {
    const paths = pageAssetPaths();
    if (!paths) return undefined;
    const [script, styles] = await Promise.all([readFile(paths.script, 'utf8'), readFile(paths.styles, 'utf8')]);
    return { script, styles };
  })().catch((error: unknown) => {
    loading = undefined;
    throw error;
  }));
}
