/**
 * The current time as an ISO 8601 string, formatted at most once per millisecond. Every publish
 * stamps `x-occurred-at`, and `new Date().toISOString()` takes about 0.7 µs, while many
 * messages share one millisecond under load (50 per ms at 50,000 msgs/s).
 */
let lastMs = NaN;
let lastIso = '';

export function isoNow(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}
