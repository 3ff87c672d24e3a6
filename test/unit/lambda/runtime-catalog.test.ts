import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { inlineCodeZip, readPackage } from '../../../src/local-cloud/lambda/code.js';
import { checkRuntime, runtimeFamily } from '../../../src/local-cloud/lambda/runtimes.js';
import { route } from '../../../src/local-cloud/lambda/service.js';

const day = (iso: string) => Date.parse(iso);

describe('Lambda runtime catalog', () => {
  it('accepts the current Node.js and Python runtimes', () => {
    for (const runtime of ['nodejs22.x', 'nodejs24.x', 'python3.12', 'python3.13', 'python3.14']) {
      expect(() => checkRuntime(runtime, 'create', day('2026-11-26'))).not.toThrow();
    }
  });

  it('refuses a runtime from the day AWS blocks creating functions on it, recommending a newer one', () => {
    expect(() => checkRuntime('nodejs20.x', 'create', day('2026-05-31'))).not.toThrow();
    expect(() => checkRuntime('nodejs20.x', 'create', day('2026-06-01'))).toThrow(
      'The runtime parameter of nodejs20.x is no longer supported for creating or updating AWS Lambda functions. ' +
        'We recommend you use the new runtime (nodejs24.x) while creating or updating functions.',
    );
    // Updates stay allowed a while longer than creates, as on AWS.
    expect(() => checkRuntime('nodejs20.x', 'update', day('2026-06-15'))).not.toThrow();
    expect(() => checkRuntime('python3.8', 'create', day('2026-11-26'))).toThrow(
      /new runtime \(python3\.14\)/,
    );
  });

  it('refuses a runtime name Lambda does not know', () => {
    expect(() => checkRuntime('nodejs99.x', 'create')).toThrow(
      /failed to satisfy constraint: Member must satisfy enum value set/,
    );
  });

  it('knows which runtimes are Node.js and which are Python', () => {
    expect(runtimeFamily('nodejs24.x')).toBe('nodejs');
    expect(runtimeFamily('python3.13')).toBe('python');
    expect(runtimeFamily('java21')).toBe('other');
  });
});

describe('Lambda packages', () => {
  it('zips inline code as index.js for Node.js and index.py for Python, as CloudFormation does', () => {
    expect(Object.keys(readPackage(inlineCodeZip('nodejs24.x', 'x')).files)).toEqual(['index.js']);
    expect(Object.keys(readPackage(inlineCodeZip('python3.13', 'x')).files)).toEqual(['index.py']);
  });

  it('hashes the zip as Lambda reports CodeSha256 (base64 SHA-256)', () => {
    const pkg = readPackage(inlineCodeZip('nodejs24.x', 'exports.handler = 1'));
    expect(Buffer.from(pkg.sha256, 'base64').toString('hex')).toBe(pkg.hex);
    expect(pkg.hex).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses an entry that would be written outside the task root', () => {
    const zip = Buffer.from(zipSync({ '../escape.js': new TextEncoder().encode('x') }));
    expect(() => readPackage(zip)).toThrow(/points outside the package/);
  });
});

describe('Lambda REST routes', () => {
  it('names the operation from the method and path, decoding ARNs', () => {
    expect(route('POST', '/2015-03-31/functions')).toEqual({ operation: 'CreateFunction' });
    expect(route('POST', '/2015-03-31/functions/my-fn/invocations')).toEqual({
      operation: 'Invoke',
      fn: 'my-fn',
    });
    expect(
      route('GET', '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Ax'),
    ).toEqual({
      operation: 'GetFunction',
      fn: 'arn:aws:lambda:us-east-1:000000000000:function:x',
    });
    expect(route('DELETE', '/2015-03-31/functions/f/policy/sid-1')).toEqual({
      operation: 'RemovePermission',
      fn: 'f',
      rest: 'sid-1',
    });
    expect(
      route('GET', '/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Ax'),
    ).toEqual({
      operation: 'ListTags',
      fn: 'arn:aws:lambda:us-east-1:000000000000:function:x',
    });
    expect(route('PATCH', '/2015-03-31/functions/f')).toBeUndefined();
  });
});
