// Bundles lambda/ into the one CommonJS file Lambda runs as `index.js` when the template gives inline code,
// and embeds it in cfn/pipeline.yaml. Shared by the build (writes) and the tests (compare, so drift fails).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const templatePath = join(root, 'cfn', 'pipeline.yaml');
/** AWS rejects inline ZipFile code longer than this. */
export const INLINE_LIMIT = 4096;

export async function bundleLambda() {
  const result = await build({
    entryPoints: [join(root, 'lambda', 'index.ts')],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].text.trimEnd();
  if (code.length > INLINE_LIMIT) {
    throw new Error(`the bundled Lambda is ${code.length} characters; inline ZipFile allows ${INLINE_LIMIT}`);
  }
  return code;
}

const ZIPFILE = /^(\s*)ZipFile: \|[-+]?\s*$/;

/** The template text with its single `ZipFile: |` block replaced by `code`. */
export function withInlineCode(template, code) {
  const lines = template.split('\n');
  const at = lines.findIndex((line) => ZIPFILE.test(line));
  if (at < 0) throw new Error('cfn/pipeline.yaml has no `ZipFile: |` block to hold the Lambda code');
  const keyIndent = ZIPFILE.exec(lines[at])[1].length;
  let end = at + 1;
  while (end < lines.length) {
    const line = lines[end];
    const indent = line.length - line.trimStart().length;
    if (line.trim() !== '' && indent <= keyIndent) break;
    end++;
  }
  // Keep the blank lines that separate the block from what follows.
  while (end > at + 1 && lines[end - 1].trim() === '') end--;
  const pad = ' '.repeat(keyIndent + 2);
  const block = code.split('\n').map((line) => (line === '' ? '' : pad + line));
  return [...lines.slice(0, at + 1), ...block, ...lines.slice(end)].join('\n');
}
