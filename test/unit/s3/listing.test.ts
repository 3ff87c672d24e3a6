import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareKeys,
  type ListQuery,
  listPage,
  listVersionsPage,
  sortKeys,
  type VersionListQuery,
} from '../../../src/local-cloud/s3/listing.js';

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

  describe('versions', () => {
    /** Each key's versions: as many as the key is long, newest first. */
    const versionsOf = async (key: string) =>
      Array.from({ length: key.length }, (_, i) => ({ key, versionId: `${key}#${key.length - i}` }));

    /** Follows ListObjectVersions pages the way a client does, from each page's next markers. */
    async function allVersionPages(keys: string[], overrides: Partial<VersionListQuery>) {
      const entries: string[] = [];
      let keyMarker = '';
      let versionIdMarker = '';
      for (let pages = 0; pages < 10_000; pages++) {
        const page = await listVersionsPage(
          keys,
          { prefix: '', delimiter: '', maxKeys: 1000, ...overrides, keyMarker, versionIdMarker },
          versionsOf,
        );
        entries.push(...page.versions.map((v) => v.versionId), ...page.commonPrefixes);
        if (!page.isTruncated) return entries;
        keyMarker = page.nextKeyMarker ?? '';
        versionIdMarker = page.nextVersionIdMarker ?? '';
      }
      throw new Error('paging did not end');
    }

    it("lists each key's versions newest first, and starts a page after the markers", async () => {
      const keys = sortKeys(['a', 'bb', 'c/d']);
      const first = await listVersionsPage(
        keys,
        { prefix: '', delimiter: '/', keyMarker: '', versionIdMarker: '', maxKeys: 2 },
        versionsOf,
      );
      expect(first).toEqual({
        versions: [
          { key: 'a', versionId: 'a#1' },
          { key: 'bb', versionId: 'bb#2' },
        ],
        commonPrefixes: [],
        isTruncated: true,
        nextKeyMarker: 'bb',
        nextVersionIdMarker: 'bb#2',
      });
      const second = await listVersionsPage(
        keys,
        { prefix: '', delimiter: '/', keyMarker: 'bb', versionIdMarker: 'bb#2', maxKeys: 2 },
        versionsOf,
      );
      expect(second).toEqual({
        versions: [{ key: 'bb', versionId: 'bb#1' }],
        commonPrefixes: ['c/'],
        isTruncated: false,
      });
    });

    it('pages through every version exactly once, whatever the page size, prefix and delimiter', async () => {
      const key = fc.stringMatching(/^[ab/.-]{1,5}$/);
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(key, { maxLength: 25 }),
          fc.integer({ min: 1, max: 7 }),
          fc.constantFrom('', '/'),
          fc.constantFrom('', 'a', 'a/'),
          async (raw, maxKeys, delimiter, prefix) => {
            const keys = sortKeys(raw);
            const expected = (await allVersionPages(keys, { prefix, delimiter, maxKeys: 1000 })).sort();
            expect((await allVersionPages(keys, { prefix, delimiter, maxKeys })).sort()).toEqual(expected);
          },
        ),
      );
    });
  });
});
