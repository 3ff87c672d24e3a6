import { describe, expect, it } from 'vitest';
import { parseTagging, parseTaggingHeader } from '../../../src/local-cloud/s3/bucket-config.js';
import { assertConditions, etagsMatch, writeConditions } from '../../../src/local-cloud/s3/conditions.js';

const ETAG = '"098f6bcd4621d373cade4e832627b4f6"';
const CURRENT = { etag: ETAG, lastModified: '2026-12-07T01:02:03.456Z', size: 4 };

describe('conditional writes', () => {
  it('matches an ETag with its quotes, without them, or with one left out', () => {
    for (const condition of [ETAG, ETAG.slice(1, -1), ETAG.slice(1), ETAG.slice(0, -1)]) {
      expect(etagsMatch(condition, ETAG), condition).toBe(true);
    }
    expect(etagsMatch('"d41d8cd98f00b204e9800998ecf8427e"', ETAG)).toBe(false);
  });

  it('evaluates every form of the headers: an ETag in If-None-Match, * in If-Match, both at once', () => {
    const failed = (run: () => void) => {
      try {
        run();
      } catch (error) {
        return (error as { details?: { Condition?: string } }).details?.Condition;
      }
      return undefined;
    };
    expect(failed(() => assertConditions(writeConditions(undefined, ETAG), 'k', CURRENT))).toBe(
      'If-None-Match',
    );
    expect(
      failed(() => assertConditions(writeConditions(undefined, '"other"'), 'k', CURRENT)),
    ).toBeUndefined();
    expect(failed(() => assertConditions(writeConditions('*', undefined), 'k', CURRENT))).toBeUndefined();
    expect(failed(() => assertConditions(writeConditions(ETAG, '*'), 'k', CURRENT))).toBe('If-None-Match');
    expect(failed(() => assertConditions(writeConditions(ETAG, '"other"'), 'k', CURRENT))).toBeUndefined();
    expect(writeConditions(undefined, '*')).toEqual({ ifNoneMatch: '*' });
    expect(writeConditions(undefined, undefined)).toBeUndefined();
  });

  it("holds a delete to the current object's last-modified time (to the second) and size", () => {
    const on = (lastModifiedTime: string | undefined, size: string | undefined) => () =>
      assertConditions(writeConditions(undefined, undefined, { lastModifiedTime, size }), 'k', CURRENT);
    expect(on('Mon, 07 Dec 2026 01:02:03 GMT', '4')).not.toThrow();
    expect(on('Mon, 07 Dec 2026 01:02:04 GMT', undefined)).toThrow(
      expect.objectContaining({
        code: 'PreconditionFailed',
        details: { Condition: 'x-amz-if-match-last-modified-time' },
      }),
    );
    expect(on(undefined, '5')).toThrow(
      expect.objectContaining({ code: 'PreconditionFailed', details: { Condition: 'x-amz-if-match-size' } }),
    );
    expect(() => writeConditions(undefined, undefined, { size: 'four' })).toThrow(
      expect.objectContaining({ code: 'InvalidArgument', status: 400 }),
    );
    expect(() => assertConditions({ ifMatchSize: '4' }, 'k', undefined)).toThrow(
      expect.objectContaining({ code: 'NoSuchKey' }),
    );
  });

  it('answers PreconditionFailed or NoSuchKey as S3 does', () => {
    expect(() => assertConditions({ ifNoneMatch: '*' }, 'k', CURRENT)).toThrow(
      expect.objectContaining({
        code: 'PreconditionFailed',
        status: 412,
        details: { Condition: 'If-None-Match' },
      }),
    );
    expect(() => assertConditions({ ifMatch: 'other' }, 'k', CURRENT)).toThrow(
      expect.objectContaining({ code: 'PreconditionFailed', details: { Condition: 'If-Match' } }),
    );
    expect(() => assertConditions({ ifMatch: ETAG }, 'k', undefined)).toThrow(
      expect.objectContaining({ code: 'NoSuchKey', status: 404, details: { Key: 'k' } }),
    );
    expect(() => assertConditions({ ifNoneMatch: '*' }, 'k', undefined)).not.toThrow();
    expect(() => assertConditions({ ifMatch: ETAG.slice(1, -1) }, 'k', CURRENT)).not.toThrow();
  });
});

describe('tags', () => {
  const tagging = (tags: Array<[string, string]>) =>
    Buffer.from(
      `<Tagging><TagSet>${tags.map(([k, v]) => `<Tag><Key>${k}</Key><Value>${v}</Value></Tag>`).join('')}</TagSet></Tagging>`,
    );
  const refusal = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it('limits buckets to 50 tags and objects to 10, in S3 words', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i): [string, string] => [`k${i}`, 'v']);
    expect(parseTagging(tagging(many(50)), 'bucket')).toHaveLength(50);
    expect(refusal(() => parseTagging(tagging(many(51)), 'bucket'))).toMatchObject({
      code: 'BadRequest',
      message: 'Bucket tag count cannot be greater than 50',
    });
    expect(refusal(() => parseTagging(tagging(many(11)), 'object'))).toMatchObject({
      code: 'BadRequest',
      message: 'Object tags cannot be greater than 10',
    });
  });

  it('refuses aws: keys, bad characters and duplicates, naming the tag', () => {
    expect(refusal(() => parseTagging(tagging([['aws:x', 'v']]), 'bucket'))).toMatchObject({
      code: 'InvalidTag',
      message: 'System tags cannot be added/updated by requester',
      details: { TagKey: 'aws:x' },
    });
    expect(refusal(() => parseTaggingHeader('aws:foo=bar'))).toMatchObject({
      message: 'Your TagKey cannot be prefixed with aws:',
    });
    expect(refusal(() => parseTagging(tagging([['Key1,Key2', 'v']]), 'object'))).toMatchObject({
      message: 'The TagKey you have provided is invalid',
      details: { TagKey: 'Key1,Key2' },
    });
    expect(refusal(() => parseTagging(tagging([['k', 'Val1,Val2']]), 'bucket'))).toMatchObject({
      message: 'The TagValue you have provided is invalid',
      details: { TagKey: 'k', TagValue: 'Val1,Val2' },
    });
    expect(
      refusal(() =>
        parseTagging(
          tagging([
            ['k', 'a'],
            ['k', 'b'],
          ]),
          'bucket',
        ),
      ),
    ).toMatchObject({
      message: 'Cannot provide multiple Tags with the same key',
      details: { TagKey: 'k' },
    });
    expect(
      refusal(() =>
        parseTagging(Buffer.from('<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>'), 'object'),
      ),
    ).toMatchObject({
      code: 'MalformedXML',
    });
    expect(parseTagging(tagging([['something:aws:stuff', 'this is fine']]), 'bucket')).toHaveLength(1);
    expect(parseTaggingHeader('key1&&&key2')).toEqual([
      { Key: 'key1', Value: '' },
      { Key: 'key2', Value: '' },
    ]);
  });
});
