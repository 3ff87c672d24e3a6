// A function's deployment package: a ZIP, as Lambda takes it. Checked and unpacked on upload (as Lambda
// reports a bad archive at CreateFunction, not at Invoke), addressed by its SHA-256.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { ServiceError } from '../protocol/common.js';
import { runtimeFamily } from './runtimes.js';

/** Lambda's limit on a package's unzipped size. */
export const MAX_UNZIPPED_BYTES = 262_144_000;

export interface CodePackage {
  zip: Buffer;
  /** Base64 SHA-256 of the ZIP, as Lambda reports CodeSha256. */
  sha256: string;
  /** Hex of the same hash, for file names. */
  hex: string;
  files: Record<string, Uint8Array>;
}

export function readPackage(zip: Buffer): CodePackage {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(new Uint8Array(zip.buffer, zip.byteOffset, zip.byteLength));
  } catch {
    throw new ServiceError(
      'InvalidParameterValueException',
      'Could not unzip uploaded file. Please check your file, then try to upload again.',
    );
  }
  let size = 0;
  for (const [name, content] of Object.entries(files)) {
    size += content.byteLength;
    const path = normalize(name);
    if (isAbsolute(path) || path === '..' || path.startsWith(`..${sep}`)) {
      throw new ServiceError(
        'InvalidParameterValueException',
        `Could not unzip uploaded file: the entry ${name} points outside the package.`,
      );
    }
  }
  if (size > MAX_UNZIPPED_BYTES) {
    throw new ServiceError(
      'InvalidParameterValueException',
      `Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`,
    );
  }
  const digest = createHash('sha256').update(zip).digest();
  return { zip, sha256: digest.toString('base64'), hex: digest.toString('hex'), files };
}

/** Writes the package's files under `dir` (the function's task root). */
export function unpack(pkg: CodePackage, dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const [name, content] of Object.entries(pkg.files)) {
    const target = join(dir, normalize(name));
    if (name.endsWith('/')) {
      mkdirSync(target, { recursive: true });
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}

/**
 * The package CloudFormation makes of inline `Code.ZipFile` source: one file, `index.js` for Node.js
 * runtimes and `index.py` for Python, so the handler is `index.<function>`.
 */
export function inlineCodeZip(runtime: string, source: string): Buffer {
  const file = runtimeFamily(runtime) === 'python' ? 'index.py' : 'index.js';
  return Buffer.from(zipSync({ [file]: new TextEncoder().encode(source) }));
}
