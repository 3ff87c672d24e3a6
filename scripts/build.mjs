// `npm run build`: embeds lambda/ into cfn/pipeline.yaml, compiles to dist/, and records what it built
// from (dist/.build-inputs: the path, size and modification time of every input file), so `npm start`
// (scripts/start.mjs) rebuilds only when an input changed. Compiling takes ~12 s here; the check, a few ms.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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

export function build() {
  run(join(root, 'scripts', 'embed-lambda.mjs'), []);
  // After embedding (which may rewrite the template) and before compiling: an input edited while tsc runs
  // leaves the stamp behind, so the next start builds again.
  const fingerprint = inputsFingerprint();
  run(createRequire(import.meta.url).resolve('typescript/bin/tsc'), ['-p', 'tsconfig.build.json']);
  writeFileSync(stampPath, `${fingerprint}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) build();
