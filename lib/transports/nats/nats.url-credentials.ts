import type { NodeConnectionOptions } from '@nats-io/transport-node';
import { redactUrl } from '../../core/redact.js';

type Credentials = Pick<NodeConnectionOptions, 'user' | 'pass' | 'token'>;

/**
 * nats.js v3 ignores credentials in a server URL, so `nats://app:secret@host` failed with
 * "Authorization Violation" although it is the form every NATS tool takes. They are taken out
 * of the URLs here and passed as `user`/`pass` (`user:pass@`) or `token` (`token@`); options
 * given in `connection` win. Every URL of the list must carry the same credentials, or none.
 */
export function splitServerCredentials(servers: string | string[]): { servers: string | string[]; credentials: Credentials } {
  const list = [servers].flat();
  let found: { credentials: Credentials; from: string } | undefined;
  const stripped = list.map((server) => {
    const parsed = parseServer(server);
    if (!parsed?.username) return server;
    const user = decodeURIComponent(parsed.username);
    const credentials: Credentials = parsed.password ? { user, pass: decodeURIComponent(parsed.password) } : { token: user };
    if (found && !sameCredentials(found.credentials, credentials)) {
      throw new Error(`NatsTransport: servers ${redactUrl(found.from)} and ${redactUrl(server)} carry different credentials; give one set (in the URLs or in connection.user/pass/token)`);
    }
    found ??= { credentials, from: server };
    return `${parsed.protocol}//${parsed.host}`;
  });
  return { servers: Array.isArray(servers) ? stripped : stripped[0]!, credentials: found?.credentials ?? {} };
}

function parseServer(server: string): URL | undefined {
  try {
    return new URL(server.includes('://') ? server : `nats://${server}`);
  } catch {
    return undefined; // not a URL: nats.js reports it as it does today
  }
}

function sameCredentials(a: Credentials, b: Credentials): boolean {
  return a.user === b.user && a.pass === b.pass && a.token === b.token;
}
