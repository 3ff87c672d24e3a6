import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareKeys, type ListQuery, listPage, sortKeys } from '../../../src/local-cloud/s3/listing.js';

const query = (overrides: Partial<ListQuery>): ListQuery => ({
  prefix: '',
  delimiter: '',
  startAfter: '',
  maxKeys: 1000,
  ...overrides,
});

/** Follows pages the way a client does, starting each after the last entry of the one before. */
function allPages(keys: string[], overrides: Partial<ListQuery>) {
  const entries: string[] = [];
  let startAfter = '';
  for (let pages = 0; pages < 10_000; pages++) {
    const page = listPage(keys, query({ ...overrides, startAfter }));
    entries.push(...page.keys, ...page.commonPrefixes);
    if (!page.isTruncated) return entries;
    startAfter = page.last ?? '';
  }
  throw new Error('paging did not end');
}

describe('listing pages', () => {
  it('orders keys by their UTF-8 bytes, as S3 does', () => {
    expect(sortKeys(['b', 'a/b', 'a.b', 'a', '\u{1F600}', '\uFFFD'])).toEqual([
      'a',
      'a.b',
      'a/b',
      'b',
      '\uFFFD',
      '\u{1F600}',
    ]);
    expect(compareKeys('\uFFFD', '\u{1F600}')).toBeLessThan(0);
  });

  it('rolls keys into common prefixes that count towards max-keys', () => {
    const keys = sortKeys(['logs/2026/a', 'logs/2026/b', 'logs/2027/a', 'logs/readme', 'other']);
    const page = listPage(keys, query({ prefix: 'logs/', delimiter: '/', maxKeys: 2 }));
    expect(page).toEqual({
      keys: [],
      commonPrefixes: ['logs/2026/', 'logs/2027/'],
      isTruncated: true,
      last: 'logs/2027/',
    });
    const next = listPage(
      keys,
      query({ prefix: 'logs/', delimiter: '/', maxKeys: 2, startAfter: 'logs/2027/' }),
    );
    expect(next).toEqual({
      keys: ['logs/readme'],
      commonPrefixes: [],
      isTruncated: false,
      last: 'logs/readme',
    });
  });

  it('is not truncated when the page ends exactly at the last key', () => {
    expect(listPage(['a', 'b'], query({ maxKeys: 2 })).isTruncated).toBe(false);
    expect(listPage(['a', 'b', 'c'], query({ maxKeys: 2 })).isTruncated).toBe(true);
    expect(listPage(['a'], query({ maxKeys: 0 }))).toEqual({
      keys: [],
      commonPrefixes: [],
      isTruncated: false,
    });
  });

  it('pages through every key exactly once, whatever the page size, prefix and delimiter', () => {
    const key = fc.stringMatching(/^[ab/.-]{1,6}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(key, { maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom('', '/'),
        fc.constantFrom('', 'a', 'a/'),
        (raw, maxKeys, delimiter, prefix) => {
          const keys = sortKeys(raw);
          const oneShot = listPage(keys, query({ prefix, delimiter, maxKeys: 1000 }));
          const expected = [...oneShot.keys, ...oneShot.commonPrefixes].sort(compareKeys);
          expect(allPages(keys, { prefix, delimiter, maxKeys }).sort(compareKeys)).toEqual(expected);
        },
      ),
    );
  });
});
