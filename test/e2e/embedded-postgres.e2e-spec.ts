import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { type RunningPostgres, startEmbeddedPostgres } from '../../libs/database/embedded-postgres.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** What `npm start` does first: start the embedded server, then write something to it. */
const CHILD = `
  import pg from 'pg';
  import { startEmbeddedPostgres } from ${JSON.stringify(pathToFileURL(path.join(root, 'libs/database/embedded-postgres.ts')).href)};
  const server = await startEmbeddedPostgres({ dataDir: process.env.HM_DATA_DIR, port: Number(process.env.HM_PORT) });
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  await client.query("CREATE TABLE IF NOT EXISTS survivors (note text)");
  await client.query("INSERT INTO survivors VALUES ('written before the kill')");
  await client.end();
  console.log('ready');
  setInterval(() => {}, 60_000);
`;

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
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

async function waitUntilGone(pid: number, ms = 10_000): Promise<void> {
  for (const started = Date.now(); Date.now() - started < ms; await new Promise((resolve) => setTimeout(resolve, 50))) {
    if (!isAlive(pid)) return;
  }
  throw new Error(`process ${pid} is still running`);
}

/** Starts a node process that owns an embedded server in dataDir, as a running HandMark would. */
async function startOwner(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', './test/setup/typescript-register.mjs', '--input-type=module', '-e', CHILD], {
    cwd: root,
    env: { ...process.env, HM_DATA_DIR: dataDir, HM_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => String(chunk).includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`the owner process exited with ${code}: ${output}`)));
  });
  return child;
}

const pidFile = (dataDir: string) => path.join(dataDir, 'cluster', 'postmaster.pid');

/** The PID in PostgreSQL's lock file, 0 once a clean shutdown removed it. */
const postmasterPid = (dataDir: string) => (existsSync(pidFile(dataDir)) ? Number(readFileSync(pidFile(dataDir), 'utf8').split('\n')[0]) : 0);

async function notes(server: RunningPostgres): Promise<string[]> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    return (await client.query('SELECT note FROM survivors')).rows.map((row) => row.note);
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL across a killed HandMark', () => {
  let dataDir: string;
  let port: number;
  let owner: ChildProcess;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'handmark-embedded-test-'));
    // As root, PostgreSQL runs as "postgres", which must be able to reach the directory.
    if (process.getuid?.() === 0) await chmod(dataDir, 0o711);
    port = await freePort();
    owner = await startOwner(dataDir, port);
  });
  afterAll(async () => {
    if (owner.exitCode === null && owner.signalCode === null) owner.kill('SIGKILL');
    const pid = postmasterPid(dataDir);
    if (pid > 0 && isAlive(pid)) process.kill(pid, 'SIGINT');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses to take over a server whose HandMark is still running', async () => {
    await expect(startEmbeddedPostgres({ dataDir, port })).rejects.toThrow(`is in use by process ${owner.pid}`);
    expect(isAlive(postmasterPid(dataDir))).toBe(true);
  });

  it('starts again after a SIGKILL left the server orphaned, and the data survives', async () => {
    const orphan = postmasterPid(dataDir);
    owner.kill('SIGKILL');
    await once(owner, 'exit');
    expect(isAlive(orphan)).toBe(true);

    const server = await startEmbeddedPostgres({ dataDir, port });
    try {
      expect(isAlive(orphan)).toBe(false);
      expect(await notes(server)).toEqual(['written before the kill']);
    } finally {
      await server.stop();
    }
    expect(existsSync(pidFile(dataDir))).toBe(false);
  });

  it('starts after both HandMark and the server were killed (crash recovery from the write-ahead log)', async () => {
    owner = await startOwner(dataDir, port);
    const crashed = postmasterPid(dataDir);
    owner.kill('SIGKILL');
    process.kill(crashed, 'SIGKILL');
    await once(owner, 'exit');
    await waitUntilGone(crashed);

    const server = await startEmbeddedPostgres({ dataDir, port });
    try {
      expect(await notes(server)).toEqual(['written before the kill', 'written before the kill']);
    } finally {
      await server.stop();
    }
  });

  it('never signals an unrelated process that reused the PID in a stale postmaster.pid', async () => {
    const server = await startEmbeddedPostgres({ dataDir, port });
    const lockFile = readFileSync(pidFile(dataDir), 'utf8').split('\n');
    await server.stop();
    const bystander = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await writeFile(pidFile(dataDir), [String(bystander.pid), ...lockFile.slice(1)].join('\n'));
      const restarted = await startEmbeddedPostgres({ dataDir, port });
      await restarted.stop();
      expect(bystander.exitCode).toBeNull();
      expect(isAlive(bystander.pid!)).toBe(true);
    } finally {
      bystander.kill('SIGKILL');
    }
  });
});
