import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirs } from '../../../src/config/paths.js';

describe('makeDirs', () => {
  it('creates every missing folder, private to the user', () => {
    const root = mkdtempSync(join(tmpdir(), 'paths-'));
    const deep = join(root, 'a', 'b', 'c');
    makeDirs(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    expect(statSync(deep).mode & 0o777).toBe(0o700);
    makeDirs(deep);
  });

  it('fails, instead of spinning forever, where nothing can be made (/proc, /sys)', () => {
    expect(() => makeDirs('/proc/kinesis-tui-test/a/b')).toThrow();
    expect(() => makeDirs('/sys/kinesis-tui-test/a')).toThrow();
    expect(existsSync('/proc/kinesis-tui-test')).toBe(false);
  });

  it('says ENOTDIR when a file stands in the way', () => {
    const root = mkdtempSync(join(tmpdir(), 'paths-'));
    writeFileSync(join(root, 'file'), 'x');
    expect(() => makeDirs(join(root, 'file', 'sub'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  });
});
