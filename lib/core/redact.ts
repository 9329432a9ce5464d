/**
 * Credentials never reach a log line, an error message or `health().lastError`: broker URLs
 * and option objects pass through these helpers before they are shown anywhere.
 */

const MASK = '***';

/** `amqp://user:secret@host:5672/vh` → `amqp://user:***@host:5672/vh`; text that is not a URL is returned as it is. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return redactSecrets(url); // a NATS token (`nats://token@host`) has no password part
    parsed.password = MASK;
    return parsed.toString();
  } catch {
    return redactSecrets(url);
  }
}

/** Option or field names whose values are secrets, whatever the broker. */
const SECRET_KEY = /^(pass(word)?|secret|token|secretAccessKey|sessionToken|accessKeySecret|oauthBearer|authorization|credentials?|key|cert|pfx|nkey|seed|jwt)$/i;

/**
 * Masks secrets inside free text (an error message, a client library's log line): the
 * password of every `scheme://user:pass@host` and `password=…` / `"token": "…"` pairs.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/(\/\/[^:/@\s]*:)[^@/\s]+@/g, `$1${MASK}@`)
    // A NATS URL's lone user part is a token (`nats://s3cret@host`).
    .replace(/((?:nats|tls|ws|wss):\/\/)[^:/@\s]+@/gi, `$1${MASK}@`)
    .replace(/((?<![\w-])"?(?:password|pass|secret|token|secretAccessKey|sessionToken|oauthBearer)"?\s*[:=]\s*)("[^"]*"|'[^']*'|[^,;}\s]+)/gi, `$1${MASK}`);
}

/**
 * A copy of broker options safe to log: secret-named fields are masked, URL strings have
 * their password masked, functions are named not shown. Cycles are cut.
 */
export function redactOptions<T>(options: T): T {
  return redactValue(options, new WeakSet()) as T;
}

function redactValue(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return value.includes('://') ? redactUrl(value) : value;
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  if (value === null || typeof value !== 'object') return value;
  if (Buffer.isBuffer(value)) return MASK;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, seen));
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    copy[key] = SECRET_KEY.test(key) && field !== undefined && field !== null && typeof field !== 'boolean' ? MASK : redactValue(field, seen);
  }
  return copy;
}
