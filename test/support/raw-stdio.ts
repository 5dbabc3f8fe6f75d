import { type ChildProcess, spawn } from 'node:child_process';
import { CLI, type Exit, requireBuiltCli } from './spawn.js';

/**
 * The BUILT CLI on stdio, spoken to in raw lines rather than through the SDK's client: for
 * tests of what a client's transport would refuse to send or could not read (garbage, batches,
 * oversized lines). Every stdout line is kept, parsed; answers are looked up by id.
 */
export interface RawStdio {
  child: ChildProcess;
  writeLine(line: string | Buffer): Promise<void>;
  send(message: object): Promise<void>;
  /** initialize, then notifications/initialized; returns the initialize result. */
  initialize(): Promise<any>;
  /** The first answer with this id (fails after `timeoutMs`). */
  answer(id: unknown, timeoutMs?: number): Promise<any>;
  /** Every answer with this id, once there are `count` of them. */
  answersTo(id: unknown, count?: number): Promise<any[]>;
  stdout(): string;
  stderr(): string;
  exited: Promise<Exit>;
}

export function spawnRawStdio(
  dbPath: string,
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '' },
): RawStdio {
  requireBuiltCli();
  const child = spawn(process.execPath, [CLI, '--db', dbPath, '--log-level', 'silent', ...extraArgs], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env,
  });
  let stdout = '';
  let stderr = '';
  let partial = '';
  const lines: any[] = [];
  const waiting = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    stdout += text;
    const parts = (partial + text).split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      try {
        lines.push(JSON.parse(line));
      } catch {
        // Not JSON: the tests that care read stdout() whole.
      }
    }
    for (const wake of [...waiting]) wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const answersTo = (id: unknown, count = 1, timeoutMs = 20_000) =>
    new Promise<any[]>((resolve, reject) => {
      const check = () => {
        const found = lines.filter((l) => l?.id === id);
        if (found.length < count) return false;
        waiting.delete(check);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        waiting.delete(check);
        reject(new Error(`no answer to request ${String(id)}; stderr:\n${stderr.slice(-2000)}`));
      }, timeoutMs);
      if (!check()) waiting.add(check);
    });
  const writeLine = (line: string | Buffer) =>
    new Promise<void>((resolve, reject) =>
      child.stdin!.write(Buffer.concat([Buffer.from(line), Buffer.from('\n')]), (e) => (e ? reject(e) : resolve())),
    );
  const send = (message: object) => writeLine(JSON.stringify(message));

  return {
    child,
    writeLine,
    send,
    async initialize() {
      await send({
        jsonrpc: '2.0',
        id: 'init',
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
      });
      const [answer] = await answersTo('init');
      await send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      return answer.result;
    },
    answer: async (id, timeoutMs) => (await answersTo(id, 1, timeoutMs))[0],
    answersTo: (id, count) => answersTo(id, count),
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
  };
}
