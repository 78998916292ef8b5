// Enforces the dependency rules of ARCHITECTURE.md:
//  - a module (src/modules/<name>) imports libs/*, src/common and only the *.events.ts of another module;
//  - nothing imports the dashboard module (it only reads);
//  - libs never import src.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const problems = [];

function* files(dir) {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) yield* files(full);
    else if (full.endsWith('.ts')) yield full;
  }
}

const importPattern = /(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
// The composition roots wire every module together (the app, the entity and projector lists); they are not dependents.
const compositionRoots = new Set(['src/app.module.ts', 'src/entities.ts', 'src/projectors.ts']);
const moduleOf = (file) => /src\/modules\/([^/]+)\//.exec(path.relative(root, file).split(path.sep).join('/'))?.[1];

for (const top of ['src', 'libs']) {
  for (const file of files(path.join(root, top))) {
    const source = readFileSync(file, 'utf8');
    const from = path.relative(root, file);
    for (const match of source.matchAll(importPattern)) {
      const target = path.relative(root, path.resolve(path.dirname(file), match[1] ?? match[2]));
      if (from.startsWith('libs/') && target.startsWith('src/')) problems.push(`${from} imports ${target}: libs never import src`);
      const own = moduleOf(file);
      const other = moduleOf(path.join(root, target));
      if (!other || other === own) continue;
      if (other === 'dashboard' && !compositionRoots.has(from)) problems.push(`${from} imports ${target}: nothing imports the dashboard module`);
      else if (own && !target.endsWith('.events.js')) problems.push(`${from} imports ${target}: modules may only import another module's *.events.ts`);
    }
  }
}

if (problems.length > 0) {
  console.error(`Module boundary violations (${problems.length}):\n - ${problems.join('\n - ')}`);
  process.exit(1);
}
console.log('module boundaries: ok');
