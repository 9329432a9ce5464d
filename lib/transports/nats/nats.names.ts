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
 * The durable consumer a group's members share on one topic: the group's name, plus the topic
 * when the stream holds other topics too (one durable filters one subject). `durableName`
 * (a subscriber option) overrides it.
 */
export function durableNameFor(topic: string, group: string, streamIsDedicated: boolean, durableName?: string): string {
  if (durableName) return durableName;
  const groupName = toJetStreamName(group.trim() || 'default');
  return streamIsDedicated ? groupName : `${groupName}__${toJetStreamName(topic)}`;
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
