import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pruneStaleOutputs } from '../../../scripts/build.mjs';
import { tempDir } from '../../support/local-cloud.js';

function touch(base: string, path: string): void {
  mkdirSync(join(base, path, '..'), { recursive: true });
  writeFileSync(join(base, path), '');
}

describe('the build', () => {
  it('removes what a removed source compiled to, so the package never ships a module that no longer exists', () => {
    const base = tempDir('build-prune-');
    for (const path of ['src/cli.tsx', 'src/pipeline/verify.ts', 'lambda/index.ts', 'bench/run.ts'])
      touch(base, path);
    const kept = [
      'dist/src/cli.js',
      'dist/src/cli.js.map',
      'dist/src/pipeline/verify.js',
      'dist/lambda/index.js',
      'dist/bench/run.js',
      'dist/.tsbuildinfo',
    ];
    const stale = [
      'dist/src/pipeline/old-verify.js',
      'dist/src/pipeline/old-verify.js.map',
      'dist/src/gone/a.js',
    ];
    for (const path of [...kept, ...stale]) touch(base, path);

    expect(pruneStaleOutputs(base).sort()).toEqual([...stale].sort());
    expect(pruneStaleOutputs(base)).toEqual([]);
  });
});
