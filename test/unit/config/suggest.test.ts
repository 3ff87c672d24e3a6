import { describe, expect, it } from 'vitest';
import { closest } from '../../../src/config/suggest.js';

const COMMANDS = ['wizard', 'deploy', 'stream', 'verify', 'teardown', 'status', 'local-cloud'];

describe('closest', () => {
  it('finds what a typo meant: a swap, a missing, an extra or a wrong letter', () => {
    expect(closest('deplyo', COMMANDS)).toBe('deploy');
    expect(closest('strem', COMMANDS)).toBe('stream');
    expect(closest('verifyy', COMMANDS)).toBe('verify');
    expect(closest('Status', COMMANDS)).toBe('status');
    expect(closest('localcloud', COMMANDS)).toBe('local-cloud');
  });

  it('suggests nothing for a word that is nothing like any of them', () => {
    expect(closest('banana', COMMANDS)).toBeUndefined();
    expect(closest('x', COMMANDS)).toBeUndefined();
  });
});
