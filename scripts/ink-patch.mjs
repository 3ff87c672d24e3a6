// Ink 6.8 keeps every distinct text it measures or wraps (vadimdemedes/ink#986): patches/ink+<version>.patch
// bounds those caches. The package ships Ink inside its tarball (bundleDependencies), patched, so what is
// packed must be the patched copy. `node scripts/ink-patch.mjs --check` (npm's prepack) refuses to pack
// otherwise; `inkPatchProblems` is the same check for tests, against the clone's Ink or an installed one.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** patches/ink+<version>.patch for the Ink version package.json pins. */
export function inkPatchPath(version) {
  return join(root, 'patches', `ink+${version}.patch`);
}

/** The lines a patch adds, by the file it changes (relative to the package's folder). */
function addedLines(patchText) {
  const files = new Map();
  let current;
  for (const line of patchText.split('\n')) {
    const target = /^\+\+\+ b\/node_modules\/ink\/(.+)$/.exec(line);
    if (target) {
      current = [];
      files.set(target[1], current);
    } else if (current && line.startsWith('+') && line.slice(1).trim() !== '') {
      current.push(line.slice(1));
    }
  }
  return files;
}

/**
 * What is wrong with the Ink in `inkDir` (the folder holding its package.json), or nothing: every line the
 * patch adds is in place, and its text measurement cache still caches but lets old texts go.
 */
export async function inkPatchProblems(inkDir, patchFile) {
  const problems = [];
  for (const [file, lines] of addedLines(readFileSync(patchFile, 'utf8'))) {
    const path = join(inkDir, file);
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const missing = lines.filter((line) => !text.includes(line));
    if (missing.length > 0) problems.push(`${file}: ${missing.length} line(s) of the patch missing`);
  }
  // By behaviour too. Identity tells: a cached measurement is the same object, a new one is not.
  const module = await import(pathToFileURL(join(inkDir, 'build', 'measure-text.js')).href);
  const measure = module.default;
  const first = measure('sent 1,234 · acknowledged 1,230');
  if (measure('sent 1,234 · acknowledged 1,230') !== first) problems.push('measure-text no longer caches');
  for (let i = 0; i < 5_000; i++) measure(`kinesis-tui cache check ${i}`);
  if (measure('sent 1,234 · acknowledged 1,230') === first)
    problems.push('measure-text keeps every text it measured (unbounded cache)');
  return problems;
}

if (process.argv.includes('--check')) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const pinned = pkg.dependencies?.ink ?? '';
  const inkDir = join(root, 'node_modules', 'ink');
  const installed = existsSync(join(inkDir, 'package.json'))
    ? JSON.parse(readFileSync(join(inkDir, 'package.json'), 'utf8')).version
    : undefined;
  const fail = (message) => {
    console.error(`kinesis-tui: not packing: ${message}`);
    process.exit(1);
  };
  if (!/^\d+\.\d+\.\d+$/.test(pinned))
    fail(`package.json must pin ink exactly (it is "${pinned}"): the patch is made for one version`);
  if (!(pkg.bundleDependencies ?? []).includes('ink'))
    fail('ink must be in bundleDependencies: the patched copy is what ships');
  if (installed !== pinned)
    fail(`node_modules/ink is ${installed ?? 'missing'}, package.json pins ${pinned}: run npm ci`);
  if (!existsSync(inkPatchPath(pinned))) fail(`${inkPatchPath(pinned)} is missing`);
  const problems = await inkPatchProblems(inkDir, inkPatchPath(pinned));
  if (problems.length > 0)
    fail(`node_modules/ink is not patched (${problems.join('; ')}): run npx patch-package, or npm ci`);
}
