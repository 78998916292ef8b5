// Generates the web app's typed API client input from the server itself: boots the compiled app
// (run `nest build` first; the npm scripts do) on an embedded PostgreSQL in a temporary directory,
// fetches /api/docs-json and writes web/src/api/openapi.json and web/src/api/schema.d.ts.
//
//   node scripts/generate-api-client.mjs           write the files (npm run api:generate)
//   node scripts/generate-api-client.mjs --check   fail if the checked-in files differ (npm run api:check)
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'web/src/api');
const check = process.argv.includes('--check');

const HEADER = `/**
 * Generated from the server's OpenAPI document by \`npm run api:generate\` (scripts/generate-api-client.mjs).
 * Do not edit: change the server's DTOs and controllers, then regenerate. \`npm run api:check\` fails in CI when this is stale.
 */

`;

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function fetchOpenApiDocument() {
  const compiled = (file) => import(path.join(root, 'dist', file));
  const [{ loadConfig }, { resolveDatabase }, { createApp }] = await Promise.all([
    compiled('libs/config/config.js'),
    compiled('libs/database/database-url.js'),
    compiled('src/bootstrap.js'),
  ]).catch((error) => {
    throw new Error(`The compiled server is missing or broken (run \`npx nest build\` first): ${error.message}`);
  });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'handmark-openapi-'));
  // A fixed environment, so the document does not depend on who runs the script.
  const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), AUTH_DEV_LOGIN: 'true' });
  let database;
  let app;
  try {
    database = await resolveDatabase(config);
    app = await createApp(config, database.url, { logger: ['error', 'fatal'] });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address();
    const response = await fetch(`http://127.0.0.1:${port}/api/docs-json`);
    if (!response.ok) throw new Error(`GET /api/docs-json answered ${response.status}`);
    return await response.json();
  } finally {
    await app?.close();
    await database?.embedded?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function render(document) {
  const schema = HEADER + astToString(await openapiTS(document, { alphabetize: false, exportType: false }));
  return { 'openapi.json': `${JSON.stringify(document, null, 2)}\n`, 'schema.d.ts': schema };
}

const files = await render(await fetchOpenApiDocument());
if (check) {
  const stale = [];
  for (const [name, content] of Object.entries(files)) {
    const current = await readFile(path.join(outDir, name), 'utf8').catch(() => null);
    if (current !== content) stale.push(`web/src/api/${name}`);
  }
  if (stale.length > 0) {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'handmark-api-check-'));
    for (const [name, content] of Object.entries(files)) await writeFile(path.join(tmp, name), content);
    console.error(`The API client is out of date with the server: ${stale.join(', ')} differ.`);
    console.error(`Run \`npm run api:generate\` and commit the result (freshly generated files: ${tmp}).`);
    process.exit(1);
  }
  console.log('The API client matches the server (web/src/api/openapi.json, schema.d.ts).');
} else {
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(outDir, name), content);
  console.log('Wrote web/src/api/openapi.json and web/src/api/schema.d.ts');
}
process.exit(0);
