import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The real entry point in a process of its own, as `npm start` runs it (TypeScript sources through the test loader). */
export interface ServerProcess {
  process: ChildProcess;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs src/main.ts with only the given environment (plus PATH), as `npm start` runs the built dist/src/main.js. */
export function startServer(env: Record<string, string>): ServerProcess {
  return startEntry('src/main.ts', env);
}

/** Runs a TypeScript entry point (src/main.ts, src/worker.ts) from source with only the given environment (plus PATH). */
export function startEntry(entry: string, env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['--import', './test/setup/typescript-register.mjs', entry], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  return { process: child, output: () => output, exited };
}

/** Resolves once the server says it is listening; throws with its output when it exits or takes longer than `limitMs`. */
export function listening(server: ServerProcess, limitMs = 30_000): Promise<void> {
  return printed(server, 'HandMark is listening', limitMs);
}

/** Resolves once the process has printed `text`; throws with its output when it exits or takes longer than `limitMs`. */
export async function printed(server: ServerProcess, text: string, limitMs = 30_000): Promise<void> {
  for (const started = Date.now(); Date.now() - started < limitMs; await sleep(50)) {
    if (server.output().includes(text)) return;
    if (server.process.exitCode !== null) break;
  }
  throw new Error(`the process did not print "${text}":\n${server.output()}`);
}

/** Sends `signal` (SIGKILL unless told) and waits for the process to exit. */
export async function stopServer(server: ServerProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (server.process.exitCode === null && server.process.signalCode === null) server.process.kill(signal);
  return server.exited;
}

export async function freePort(): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
