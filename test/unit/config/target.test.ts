import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, TargetError } from '../../../src/config/errors.js';
import { checkStackName, journalPath } from '../../../src/config/names.js';
import { profileNames, sharedProfiles } from '../../../src/config/profiles.js';
import { explainIdentityError, openTarget } from '../../../src/config/target.js';
import { tempDir } from '../../support/local-cloud.js';

describe('target options', () => {
  const cases: Array<[string, Parameters<typeof openTarget>[0], RegExp]> = [
    ['--aws with --endpoint-url', { aws: true, endpointUrl: 'http://127.0.0.1:1' }, /two different targets/],
    ['--data-dir on AWS', { aws: true, dataDir: '/tmp/x' }, /for the local cloud/],
    [
      '--ephemeral with an endpoint',
      { endpointUrl: 'http://127.0.0.1:1', ephemeral: true },
      /for the local cloud/,
    ],
    ['--ephemeral with --data-dir', { ephemeral: true, dataDir: '/tmp/x' }, /not both/],
    ['--profile on the local cloud', { profile: 'dev' }, /add --aws/],
    ['an endpoint that is not a URL', { endpointUrl: 'localhost 4566' }, /not a URL/],
    ['an endpoint that is not http', { endpointUrl: 'ftp://127.0.0.1:21' }, /not an http\(s\) URL/],
  ];
  for (const [title, options, message] of cases) {
    it(`refuses ${title} before starting anything`, async () => {
      await expect(openTarget({ ...options, env: {} })).rejects.toThrow(message);
      await expect(openTarget({ ...options, env: {} })).rejects.toBeInstanceOf(InputError);
    });
  }

  it('names the fix for an unknown profile, listing the ones there are', async () => {
    const home = tempDir('home-');
    mkdirSync(join(home, '.aws'));
    writeFileSync(
      join(home, '.aws', 'config'),
      '[default]\nregion = eu-west-1\n[profile work]\nregion = us-east-2\n',
    );
    const error = await openTarget({ aws: true, profile: 'nosuch', env: { HOME: home } }).catch((e) => e);
    expect(error).toBeInstanceOf(TargetError);
    expect(error.message).toMatch(
      /the AWS profile "nosuch" is not in .*config.*\(profiles there: default, work\)/,
    );
    expect(error.message).toMatch(/aws configure --profile nosuch/);
  });

  it('asks for a region when none is given anywhere', async () => {
    const home = tempDir('home-');
    const error = await openTarget({
      aws: true,
      env: { HOME: home, AWS_CONFIG_FILE: join(home, 'none') },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(TargetError);
    expect(error.message).toMatch(/no AWS region: pass --region/);
  });

  it('refuses a region that is not a region name', async () => {
    await expect(openTarget({ aws: true, region: 'Europe', env: {} })).rejects.toThrow(
      /not an AWS region name/,
    );
  });
});

describe('explaining identity errors', () => {
  it('says how to provide credentials when there are none', () => {
    const error = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    expect(explainIdentityError(error, { kind: 'aws' }).message).toMatch(
      /no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, pass --profile/,
    );
  });

  it('says which endpoint does not answer', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(explainIdentityError(error, { kind: 'endpoint', endpoint: 'http://127.0.0.1:9' }).message).toMatch(
      /cannot reach the endpoint http:\/\/127.0.0.1:9 \(ECONNREFUSED\)/,
    );
  });

  it('says the credentials were refused, without repeating them', () => {
    const error = Object.assign(new Error('The security token included in the request is invalid.'), {
      name: 'InvalidClientTokenId',
    });
    const message = explainIdentityError(error, { kind: 'aws', profile: 'dev' }).message;
    expect(message).toMatch(/AWS refused the credentials \(InvalidClientTokenId\).*profile "dev"/);
  });
});

describe('names', () => {
  it('checks stack names as CloudFormation does', () => {
    expect(checkStackName('kinesis-tui')).toBe('kinesis-tui');
    expect(() => checkStackName('1stack')).toThrow(/starting with a letter/);
    expect(() => checkStackName('my_stack')).toThrow(InputError);
    expect(() => checkStackName('a'.repeat(129))).toThrow(/1-128/);
  });

  it('keeps one journal per target, account, region and stack', () => {
    const base = { account: '123456789012', region: 'eu-west-1', stackName: 'kinesis-tui' };
    expect(journalPath({ ...base, kind: 'local', dataDir: '/d' }, '/s')).toBe(
      '/d/journals/eu-west-1/kinesis-tui.ndjson',
    );
    expect(journalPath({ ...base, kind: 'aws' }, '/s')).toBe(
      '/s/journals/aws/123456789012/eu-west-1/kinesis-tui.ndjson',
    );
    expect(journalPath({ ...base, kind: 'endpoint', endpoint: 'http://127.0.0.1:4566' }, '/s')).toBe(
      '/s/journals/endpoint-127.0.0.1_4566/123456789012/eu-west-1/kinesis-tui.ndjson',
    );
  });
});

describe('shared config profiles', () => {
  it('reads profile names from config and credentials files', () => {
    expect(profileNames('[default]\n[profile dev]\nregion=x\n[sso-session s]\n', 'config')).toEqual([
      'default',
      'dev',
    ]);
    expect(profileNames('[default]\naws_access_key_id=x\n[ci]\n', 'credentials')).toEqual(['default', 'ci']);
    const home = tempDir('home-');
    expect(sharedProfiles({ HOME: home }).profiles.size).toBe(0);
  });
});
