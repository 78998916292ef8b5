import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort, listening, startServer } from '../factories/server-process.js';

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
