import { describe, expect, it } from 'vitest';
import {
  evaluatePrefix,
  objectName,
  PrefixError,
  parsePrefix,
  planKeys,
  zonedTime,
} from '../../../src/local-cloud/firehose/prefix.js';

// 2018-08-27 10:30:05.123 UTC, the instant of the AWS guide's examples.
const AT = Date.UTC(2018, 7, 27, 10, 30, 5, 123);
const time = zonedTime(AT);
const fixed = () => 'RANDOM12345';

function keys(prefix: string | undefined, errorPrefix: string | undefined) {
  const plan = planKeys(prefix, errorPrefix);
  return {
    data: evaluatePrefix(plan.data, { time, random: fixed }),
    error: evaluatePrefix(plan.error, { time, errorOutputType: 'processing-failed', random: fixed }),
  };
}

describe('Firehose S3 prefixes', () => {
  it('defaults to yyyy/MM/dd/HH/ in UTC, and failures to processing-failed/yyyy/MM/dd/HH/', () => {
    expect(keys(undefined, undefined)).toEqual({
      data: '2018/08/27/10/',
      error: 'processing-failed/2018/08/27/10/',
    });
  });

  it('appends the time to a prefix without a timestamp expression, without inserting a slash', () => {
    expect(keys('myFirehosePrefix', undefined)).toEqual({
      data: 'myFirehosePrefix2018/08/27/10/',
      error: 'myFirehosePrefixprocessing-failed/2018/08/27/10/',
    });
    expect(keys('events/', undefined).data).toBe('events/2018/08/27/10/');
  });

  it("evaluates the pipeline template's prefixes", () => {
    expect(
      keys(
        'events/!{timestamp:yyyy/MM/dd/HH}/',
        'errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/',
      ),
    ).toEqual({
      data: 'events/2018/08/27/10/',
      error: 'errors/processing-failed/2018/08/27/10/',
    });
  });

  it('honours quoted literals in Java DateTimeFormatter patterns, as in the AWS guide', () => {
    expect(
      keys(
        'myPrefix/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/',
        "myErrorPrefix/!{timestamp:'year='yyyy'/month='MM'/day='dd'/hour='HH}/!{firehose:error-output-type}",
      ),
    ).toEqual({
      data: 'myPrefix/year=2018/month=08/day=27/hour=10/',
      error: 'myErrorPrefix/year=2018/month=08/day=27/hour=10/processing-failed',
    });
  });

  it('evaluates random-string to 11 characters, a new one each time', () => {
    const plan = planKeys(
      'rand=!{firehose:random-string}/!{firehose:random-string}/',
      'e/!{firehose:error-output-type}/',
    );
    const [first, second] = evaluatePrefix(plan.data, { time }).split('/');
    expect(first).toMatch(/^rand=.{11}$/);
    expect(second).toHaveLength(11);
    expect(first?.slice(5)).not.toBe(second);
  });

  it('uses CustomTimeZone for the timestamp', () => {
    const tokyo = zonedTime(AT, 'Asia/Tokyo');
    expect(evaluatePrefix(planKeys(undefined, undefined).data, { time: tokyo })).toBe('2018/08/27/19/');
  });

  it('refuses what AWS refuses, saying why', () => {
    expect(() => planKeys('!{timestamp:yyyy}/', undefined)).toThrow(
      /ErrorOutputPrefix cannot be null or empty when Prefix contains expressions/,
    );
    expect(() => planKeys('a/!{firehose:error-output-type}/', 'e/!{firehose:error-output-type}')).toThrow(
      /Prefix cannot contain !\{firehose:error-output-type\}/,
    );
    expect(() => planKeys('a/!{timestamp:yyyy}/', 'e/!{timestamp:yyyy}/')).toThrow(
      /must contain !\{firehose:error-output-type\}/,
    );
    expect(() => parsePrefix('a/!{timestamp:yyyy', 'Prefix')).toThrow(PrefixError);
    expect(() => parsePrefix('a/!{nope:x}/', 'Prefix')).toThrow(/not a supported expression/);
    expect(() => parsePrefix('a/!{timestamp:bbb}/', 'Prefix')).toThrow(
      /not a valid Java DateTimeFormatter pattern/,
    );
    expect(() => parsePrefix('a/!{partitionKeyFromQuery:id}/', 'Prefix')).toThrow(/dynamic partitioning/);
  });

  it('accepts a literal error prefix (no expressions, so no error-output-type needed)', () => {
    expect(keys('events/', 'failed/').error).toBe('failed/');
  });

  it('names objects <stream>-<version>-yyyy-MM-dd-HH-mm-ss-<uuid>', () => {
    const name = objectName('kinesis-tui-delivery', '3', time);
    expect(name).toMatch(
      /^kinesis-tui-delivery-3-2018-08-27-10-30-05-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(objectName('s', '1', time, '.gz', 'u')).toBe('s-1-2018-08-27-10-30-05-u.gz');
  });
});
