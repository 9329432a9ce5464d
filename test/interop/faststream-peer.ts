import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PEER = fileURLToPath(new URL('./python/peer.py', import.meta.url));

/** What the FastStream peer printed for one message it received (python/peer.py `received`). */
export interface PeerReceipt {
  readonly topic: string;
  readonly kind: 'model' | 'str' | 'bytes';
  /** The decoded payload: the model's fields, the text, or the bytes as base64. */
  readonly value: unknown;
  readonly correlation_id: string;
  readonly message_id: string;
  readonly content_type: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

export type PeerPayload = { kind: 'model'; value: Record<string, unknown> } | { kind: 'str'; value: string } | { kind: 'bytes'; value: Buffer };

/** The venv's python: NESTREAM_FASTSTREAM_PYTHON (test/run-all.mjs sets it), else scripts/faststream.sh installs it now. */
export function fastStreamPython(): string {
  const preset = process.env.NESTREAM_FASTSTREAM_PYTHON;
  if (preset) return preset;
  const python = execFileSync('bash', [`${ROOT}scripts/faststream.sh`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  process.env.NESTREAM_FASTSTREAM_PYTHON = python;
  return python;
}

/**
 * One real FastStream service (test/interop/python/peer.py) for one broker, driven over its
 * stdin/stdout: commands go in as JSON lines, receipts and answers come out as JSON lines.
 */
export class FastStreamPeer {
  readonly receipts: PeerReceipt[] = [];
  private readonly pending = new Map<number, { resolve: (answer: Record<string, unknown>) => void; reject: (error: Error) => void }>();
  private readonly stderr: string[] = [];
  private nextId = 1;
  private exited?: string;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {}

  /** Starts the peer and resolves once its FastStream broker has started (every subscriber is on). */
  static async start(broker: string, prefix: string, url: string, timeoutMs = 30_000): Promise<FastStreamPeer> {
    const child = spawn(fastStreamPython(), [PEER, broker, prefix, url], { cwd: fileURLToPath(new URL('./python', import.meta.url)), env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' } });
    const peer = new FastStreamPeer(child);
    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    createInterface({ input: child.stderr }).on('line', (line) => peer.stderr.push(line));
    createInterface({ input: child.stdout }).on('line', (line) => peer.onLine(line, ready));
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code, signal) => {
        peer.exited = `FastStream peer (${broker}) exited with ${code ?? signal}: ${peer.stderr.slice(-20).join('\n')}`;
        for (const { reject: fail } of peer.pending.values()) fail(new Error(peer.exited));
        reject(new Error(peer.exited));
      }),
    );
    exited.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`FastStream peer (${broker}) not ready after ${timeoutMs} ms: ${peer.stderr.slice(-20).join('\n')}`)), timeoutMs)));
    try {
      await Promise.race([started, exited, timeout]);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return peer;
  }

  /** FastStream publishes the payload (a pydantic model, a str or bytes) with this correlation id and headers of its own. */
  async publish(topic: string, payload: PeerPayload, correlationId: string, headers?: Record<string, string>): Promise<void> {
    const value = payload.kind === 'bytes' ? payload.value.toString('base64') : payload.value;
    await this.command('publish', { topic, kind: payload.kind, value, correlation_id: correlationId, headers });
  }

  /** FastStream's `broker.request()` with an OrderPlaced model: the reply it decoded, and the reply's correlation id. */
  async request(topic: string, value: Record<string, unknown>, correlationId: string, timeoutS = 5): Promise<{ reply: unknown; correlation_id: string }> {
    const answer = await this.command('request', { topic, value, correlation_id: correlationId, timeout: timeoutS });
    return { reply: answer.reply, correlation_id: answer.correlation_id as string };
  }

  /** The first receipt on `topic` with this correlation id, waiting up to `timeoutMs`. */
  async received(topic: string, correlationId: string, timeoutMs = 15_000): Promise<PeerReceipt> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const receipt = this.receipts.find((r) => r.topic === topic && r.correlation_id === correlationId);
      if (receipt) return receipt;
      if (this.exited) throw new Error(this.exited);
      if (Date.now() > deadline) {
        throw new Error(`FastStream peer received nothing on ${topic} with correlation id ${correlationId} in ${timeoutMs} ms; it got: ${JSON.stringify(this.receipts.map((r) => [r.topic, r.correlation_id]))}\n${this.stderr.slice(-20).join('\n')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Closes stdin: the peer stops its broker and exits; killed if it takes longer than `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private command(op: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ id, op, ...args })}\n`);
    });
  }

  private onLine(line: string, ready: () => void): void {
    let parsed: { event?: string; id?: number; error?: string } & Record<string, unknown>;
    try {
      parsed = JSON.parse(line);
    } catch {
      this.stderr.push(line); // a stray print: kept for the failure message
      return;
    }
    if (parsed.event === 'ready') ready();
    else if (parsed.event === 'received') this.receipts.push(parsed as unknown as PeerReceipt);
    else if (parsed.event === 'done' && parsed.id !== undefined) {
      const waiter = this.pending.get(parsed.id);
      this.pending.delete(parsed.id);
      if (parsed.error) waiter?.reject(new Error(`FastStream peer: ${parsed.error}`));
      else waiter?.resolve(parsed);
    }
  }
}
