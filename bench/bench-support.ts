/** What the benchmarks share: reading their knobs, a free port, and a database of their own for the run. */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureDatabase } from '../libs/database/database-url.js';
import { startEmbeddedPostgres } from '../libs/database/embedded-postgres.js';

export function positiveInt(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A database for this run only: a scratch database on DATABASE_URL's server, or an embedded PostgreSQL. */
export async function benchDatabase(): Promise<{ url: string; description: string; dispose(): Promise<void> }> {
  const name = `handmark_bench_${randomBytes(4).toString('hex')}`;
  if (process.env.DATABASE_URL) {
    const admin = process.env.DATABASE_URL;
    await ensureDatabase(admin, name);
    const url = new URL(admin);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      description: `scratch database ${name} on DATABASE_URL's server`,
      dispose: async () => {
        const client = new pg.Client({ connectionString: admin });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      },
    };
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'handmark-bench-'));
  await chmod(dataDir, 0o711);
  const embedded = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  await ensureDatabase(embedded.url, name);
  const url = new URL(embedded.url);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    description: `embedded PostgreSQL in ${dataDir}`,
    dispose: async () => {
      await embedded.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
