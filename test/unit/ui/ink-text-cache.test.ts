// Ink 6 measures every text it lays out and kept each distinct text in a cache for the life of the process
// (vadimdemedes/ink#986): the Stream screen's changing numbers grew the wizard's heap by ~30 MiB in 10
// minutes. patches/ink+6.8.0.patch (applied by `npm ci` in the clone, shipped patched inside the package)
// bounds the caches; this checks that it is applied and still caches. Identity tells: a cached
// measurement is the same object, a new one is not. test/e2e/package.test.ts runs the same check
// (`inkPatchProblems`) against the Ink an installed package loads.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { inkPatchPath, inkPatchProblems } from '../../../scripts/ink-patch.mjs';

type Measure = (text: string) => { width: number; height: number };

async function inkMeasureText(): Promise<Measure> {
  // Not an export of the package: loaded by its file, beside Ink's entry point.
  const entry = createRequire(import.meta.url).resolve('ink');
  const module = (await import(pathToFileURL(join(dirname(entry), 'measure-text.js')).href)) as {
    default: Measure;
  };
  return module.default;
}

describe("Ink's text measurement cache", () => {
  const inkDir = join(dirname(createRequire(import.meta.url).resolve('ink')), '..');
  const { version } = JSON.parse(readFileSync(join(inkDir, 'package.json'), 'utf8')) as { version: string };

  it('is the patched Ink: every line of the patch in place, measure-text bounded', async () => {
    expect(await inkPatchProblems(inkDir, inkPatchPath(version))).toEqual([]);
  });

  it('the same check (what npm pack runs first) names what is wrong with an unpatched Ink', async () => {
    // A copy beside the real one (so its imports resolve), with the patch taken back out. git apply works
    // on a folder outside any repository (inside one it skips paths beyond the current directory).
    const copy = join(inkDir, '..', `.ink-unpatched-${process.pid}`);
    const outside = mkdtempSync(join(tmpdir(), 'ink-unpatched-'));
    try {
      cpSync(inkDir, copy, { recursive: true });
      cpSync(join(inkDir, 'build'), join(outside, 'build'), { recursive: true });
      execFileSync('git', ['apply', '--reverse', '-p3', inkPatchPath(version)], { cwd: outside });
      cpSync(join(outside, 'build'), join(copy, 'build'), { recursive: true });
      expect(await inkPatchProblems(copy, inkPatchPath(version))).toEqual([
        'build/measure-text.js: 5 line(s) of the patch missing',
        'build/wrap-text.js: 7 line(s) of the patch missing',
        'measure-text keeps every text it measured (unbounded cache)',
      ]);
    } finally {
      rmSync(copy, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('still answers repeated texts from the cache', async () => {
    const measure = await inkMeasureText();
    const first = measure('sent 1,234 · acknowledged 1,230');
    expect(first).toEqual({ width: 31, height: 1 });
    expect(measure('sent 1,234 · acknowledged 1,230')).toBe(first);
  });

  it('lets old texts go once many others were measured, so a long session does not grow it', async () => {
    const measure = await inkMeasureText();
    const oldest = measure('acknowledged 0');
    for (let i = 1; i <= 5_000; i++) measure(`acknowledged ${i}`);
    const again = measure('acknowledged 0');
    expect(again).toEqual(oldest);
    expect(again).not.toBe(oldest);
  });
});
