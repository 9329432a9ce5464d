// Types for scripts/docs-examples.mjs (a plain Node script, so it runs without a build).
export function pages(): string[];
export function exampleFiles(): string[];
export function syncPage(text: string, page: string, problems: string[], used: Set<string>): string;
export function syncAll(options: { write: boolean }): string[];
