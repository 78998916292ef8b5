import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Server {
  process: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs src/main.ts as `npm start` runs the built dist/src/main.js, with only the given environment. */
function startServer(env: Record<string, string>): Server {
  const child = spawn(process.execPath, ['--import', './test/setup/typescript-register.mjs', 'src/main.ts'], {
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

async function listening(server: Server): Promise<void> {
  for (const started = Date.now(); Date.now() - started < 20_000; await new Promise((resolve) => setTimeout(resolve, 50))) {
    if (server.output().includes('HandMark is listening')) return;
    if (server.process.exitCode !== null) break;
  }
  throw new Error(`the server did not start:\n${server.output()}`);
}

async function freePort(): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('starting the server (src/main.ts)', () => {
  it('refuses to start with a bad environment: prints every problem and exits with 78', async () => {
    const server = startServer({ NODE_ENV: 'production', PORT: 'eighty', AUTH_DEV_LOGIN: 'true', DATABASE_URL: 'mysql://root:hunter2@db/handmark' });
    expect(await server.exited).toEqual({ code: 78, signal: null });
    expect(server.output()).toBe(
      'HandMark cannot start, the configuration has 4 problem(s):\n' +
        ' - PORT must be an integer between 1 and 65535 (got "eighty")\n' +
        ' - AUTH_DEV_LOGIN=true is not allowed when NODE_ENV=production (anyone could sign in as anyone)\n' +
        ' - GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are required when NODE_ENV=production (there is no other way to sign in)\n' +
        ' - DATABASE_URL must be a postgres: or postgresql: URL (got "mysql://root:***@db/handmark")\n',
    );
  });

  describe('with no DATABASE_URL (embedded PostgreSQL under DATA_DIR)', () => {
    let dataDir: string;
    let env: Record<string, string>;
    const pidFile = () => path.join(dataDir, 'cluster', 'postmaster.pid');
    const postmasterPid = () => Number(readFileSync(pidFile(), 'utf8').split('\n')[0]);
    const url = (route: string) => `http://127.0.0.1:${env.PORT}${route}`;

    beforeAll(async () => {
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'handmark-startup-test-'));
      if (process.getuid?.() === 0) await chmod(dataDir, 0o711);
      env = { DATA_DIR: dataDir, PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()), HOST: '127.0.0.1' };
    });
    afterAll(async () => {
      if (existsSync(pidFile()) && isAlive(postmasterPid())) process.kill(postmasterPid(), 'SIGINT');
      await rm(dataDir, { recursive: true, force: true });
    });

    it('serves /api/health, survives a kill -9, and stops its PostgreSQL on SIGINT and SIGTERM', async () => {
      const signIn = async () => {
        const response = await fetch(url('/api/auth/dev-login'), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'first.teacher@district.test' }),
        });
        expect(response.status).toBe(200);
        return ((await response.json()) as { id: string }).id;
      };

      const cold = startServer(env);
      await listening(cold);
      expect(await (await fetch(url('/api/health'))).json()).toMatchObject({ status: 'ok', database: { ok: true, kind: 'embedded' } });
      const teacherId = await signIn();
      const firstPostgres = postmasterPid();
      cold.process.kill('SIGKILL');
      await cold.exited;
      expect(isAlive(firstPostgres)).toBe(true);

      const warm = startServer(env);
      await listening(warm);
      expect(isAlive(firstPostgres)).toBe(false);
      expect(await signIn()).toBe(teacherId);
      const secondPostgres = postmasterPid();
      warm.process.kill('SIGINT');
      await warm.exited;
      expect(isAlive(secondPostgres)).toBe(false);
      expect(existsSync(pidFile())).toBe(false);

      const again = startServer(env);
      await listening(again);
      const thirdPostgres = postmasterPid();
      again.process.kill('SIGTERM');
      await again.exited;
      expect(isAlive(thirdPostgres)).toBe(false);
      expect(existsSync(pidFile())).toBe(false);
    }, 60_000);
  });
});
