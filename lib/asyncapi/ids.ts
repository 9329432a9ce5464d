/** Keys of the document's maps: the spec's component keys allow only `[A-Za-z0-9._-]`. */
export function safeKey(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** `base` if no one has it yet, else `base.qualifier`, else numbered: keys stay readable and unique. */
export function uniqueKey(taken: { has(key: string): boolean }, base: string, qualifier?: string): string {
  const candidates = [safeKey(base), ...(qualifier ? [safeKey(`${base}.${qualifier}`)] : [])];
  const free = candidates.find((key) => !taken.has(key));
  if (free) return free;
  const last = candidates[candidates.length - 1]!;
  let n = 2;
  while (taken.has(`${last}.${n}`)) n++;
  return `${last}.${n}`;
}
