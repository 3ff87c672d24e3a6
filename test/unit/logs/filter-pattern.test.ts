import { describe, expect, it } from 'vitest';
import { matchesPattern, parseFilterPattern } from '../../../src/local-cloud/logs/filter-pattern.js';

const matches = (pattern: string, message: string) => matchesPattern(parseFilterPattern(pattern), message);

describe('CloudWatch Logs text filter patterns', () => {
  it('matches every event when the pattern is empty', () => {
    expect(matches('', 'anything')).toBe(true);
    expect(matches('   ', 'anything')).toBe(true);
  });

  it('needs every plain term, case-sensitively, anywhere in the message', () => {
    expect(matches('ERROR order', '[ERROR] order 7 failed')).toBe(true);
    expect(matches('ERROR order', '[ERROR] payment failed')).toBe(false);
    expect(matches('error', '[ERROR] order')).toBe(false);
  });

  it('treats a quoted phrase as one term, spaces and punctuation included', () => {
    expect(matches('"Task timed out"', 'Task timed out after 3.00 seconds')).toBe(true);
    expect(matches('"Task timed out"', 'Task was timed out')).toBe(false);
    expect(matches('"say \\"hi\\""', 'they say "hi" here')).toBe(true);
  });

  it('needs one of the ?alternatives, and none of the -exclusions', () => {
    expect(matches('?WARN ?ERROR', 'WARN disk')).toBe(true);
    expect(matches('?WARN ?ERROR', 'INFO disk')).toBe(false);
    expect(matches('ERROR -Retrying', 'ERROR Retrying soon')).toBe(false);
    expect(matches('ERROR -Retrying', 'ERROR gave up')).toBe(true);
  });

  it('refuses JSON and space-delimited patterns with a message saying so', () => {
    expect(() => parseFilterPattern('{ $.level = "error" }')).toThrow(/JSON and space-delimited patterns/);
    expect(() => parseFilterPattern('[ip, user]')).toThrow(/not evaluated here/);
  });
});
