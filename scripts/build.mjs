// `npm run build`: embeds lambda/ into cfn/pipeline.yaml, compiles to dist/, and records what it built
// from (dist/.build-inputs: the path, size and modification time of every input file), so `npm start`
// (scripts/start.mjs) rebuilds only when an input changed. Compiling takes ~12 s here; the check, a few ms.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stampPath = join(root, 'dist', '.build-inputs');

/** What dist/src and dist/lambda are built from. */
const INPUTS = [
  'src',
  'lambda',
  'cfn',
  'tsconfig.json',
  'tsconfig.build.json',
  'scripts/build.mjs',
  'scripts/embed-lambda.mjs',
  'scripts/lambda-bundle.mjs',
];

function collect(path, into) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return;
  if (stat.isDirectory()) {
    for (const entry of readdirSync(path).sort()) collect(join(path, entry), into);
  } else {
    into.push(`${relative(root, path)}\0${stat.size}\0${stat.mtimeMs}`);
  }
}

/** One hash of every input file's path, size and modification time: a file added, removed or edited changes it. */
export function inputsFingerprint() {
  const entries = [];
  for (const input of INPUTS) collect(join(root, input), entries);
  return createHash('sha256').update(entries.join('\n')).digest('hex');
}

/** True when dist/ was built by `npm run build` from the inputs as they are now. */
export function buildIsCurrent() {
  if (!existsSync(join(root, 'dist', 'src', 'cli.js'))) return false;
  try {
    return readFileSync(stampPath, 'utf8').trim() === inputsFingerprint();
  } catch {
    return false;
  }
}

function run(script, args) {
  const result = spawnSync(process.execPath, [script, ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`kinesis-tui: the build failed (${relative(root, script)} ${args.join(' ')})`);
    process.exit(result.status ?? 1);
  }
}

/** The folders tsconfig.build.json compiles, each to dist/<folder>. */
const COMPILED = ['src', 'lambda', 'bench'];
const SOURCE_FOR = [
  [/\.js(\.map)?$/, ['.ts', '.tsx']],
  [/\.mjs(\.map)?$/, ['.mts']],
  [/\.d\.ts$/, ['.ts', '.tsx']],
];

/**
 * Removes what an earlier build compiled from a source that is gone: tsc never deletes outputs, so a renamed
 * or removed module would otherwise stay in dist/ and ship in the package (`files` takes dist/src/**).
 * `base` is the project's root (a test's temp folder). Returns the removed paths, relative to it.
 */
export function pruneStaleOutputs(base = root) {
  const removed = [];
  const visit = (outDir) => {
    for (const entry of readdirSync(outDir, { withFileTypes: true })) {
      const output = join(outDir, entry.name);
      if (entry.isDirectory()) {
        visit(output);
        if (readdirSync(output).length === 0) rmSync(output, { recursive: true });
        continue;
      }
      const rule = SOURCE_FOR.find(([pattern]) => pattern.test(entry.name));
      if (!rule) continue;
      const stem = relative(join(base, 'dist'), output).replace(rule[0], '');
      if (rule[1].some((extension) => existsSync(join(base, stem + extension)))) continue;
      rmSync(output);
      removed.push(relative(base, output));
    }
  };
  for (const folder of COMPILED) {
    const outDir = join(base, 'dist', folder);
    if (existsSync(outDir)) visit(outDir);
  }
  return removed;
}

export function build() {
  run(join(root, 'scripts', 'embed-lambda.mjs'), []);
  // After embedding (which may rewrite the template) and before compiling: an input edited while tsc runs
  // leaves the stamp behind, so the next start builds again.
  const fingerprint = inputsFingerprint();
  run(createRequire(import.meta.url).resolve('typescript/bin/tsc'), ['-p', 'tsconfig.build.json']);
  const removed = pruneStaleOutputs();
  if (removed.length > 0)
    console.error(`kinesis-tui: removed ${removed.length} stale build outputs (sources gone)`);
  writeFileSync(stampPath, `${fingerprint}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // --if-stale (npm pack's prepack): what ships is built from the sources as they are, without compiling
  // again when it already is (tests pack while other tests run the same dist/).
  if (process.argv.includes('--if-stale') && buildIsCurrent()) pruneStaleOutputs();
  else build();
}
