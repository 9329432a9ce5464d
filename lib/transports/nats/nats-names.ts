import { createHash } from 'node:crypto';

/** Characters NATS forbids in stream and consumer names. */
const forbidden = /[.*>\s/\\]/g;

/**
 * A stream or consumer name made from a subject or group: forbidden characters become `_`.
 * Wildcards and whitespace also add a short hash, so `orders.*` and `orders._` stay apart.
 */
export function toJetStreamName(value: string): string {
  const cleaned = value.replace(forbidden, '_');
  if (!/[*>\s/\\]/.test(value)) return cleaned;
  return `${cleaned}_${createHash('sha1').update(value).digest('hex').slice(0, 8)}`;
}

/**
 * Whether `pattern` (a stream subject, may hold `*` / `>`) covers every subject `subject`
 * (may itself be a wildcard subscription) can match.
 */
export function subjectCovers(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const token = p[i]!;
    if (token === '>') return s.length > i;
    if (i >= s.length) return false;
    if (token === '*') {
      if (s[i] === '>') return false;
      continue;
    }
    if (token !== s[i]) return false;
  }
  return p.length === s.length;
}
