import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { startLocalCloud } from '../../../src/local-cloud/index.js';
import { tempDir, useLocalCloud } from '../../support/local-cloud.js';
import { alive } from '../../support/processes.js';
import { waitFor } from '../../support/wait.js';

const cli = join(import.meta.dirname, '../../../dist/src/cli.js');

describe('local cloud edge', () => {
  const lc = useLocalCloud();

  it('answers STS GetCallerIdentity through the SDK with any credentials', async () => {
    const who = await lc().clients.sts.send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe('000000000000');
    expect(who.Arn).toBe('arn:aws:iam::000000000000:root');
  });

  it('listens on 127.0.0.1 only', () => {
    expect(new URL(lc().cloud.endpoint).hostname).toBe('127.0.0.1');
    const port = new URL(lc().cloud.endpoint).port;
    const ss = spawnSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' });
    if (ss.status === 0) {
      const locals = ss.stdout
        .trim()
        .split('\n')
        .map((line) => line.trim().split(/\s+/)[3]);
      expect(locals).toEqual([`127.0.0.1:${port}`]);
    }
  });

  it('refuses an unsigned request with the AWS error for it', async () => {
    const res = await fetch(lc().cloud.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ __type: 'MissingAuthenticationToken' });
  });

  it('names the services it has when asked for one it does not', async () => {
    const res = await fetch(`${lc().cloud.endpoint}/?Action=ListTables`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKID/20261126/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00',
      },
      body: 'Action=ListTables',
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain('<Code>UnknownService</Code>');
    expect(text).toContain('does not provide the &quot;dynamodb&quot; service');
  });

  it('answers an unknown STS action with the query protocol error', async () => {
    const res = await fetch(`${lc().cloud.endpoint}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKID/20261126/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00',
      },
      body: 'Action=AssumeNothing&Version=2011-06-15',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(
      /<ErrorResponse[^>]*><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code>/,
    );
  });

  it('keeps its data dir private (0700)', () => {
    expect(statSync(lc().dataDir).mode & 0o777).toBe(0o700);
  });
});

describe('starting the local cloud', () => {
  it('says clearly when the port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startLocalCloud({ dataDir: tempDir(), port })).rejects.toThrow(
        new RegExp(`port ${port} on 127.0.0.1 is already in use`),
      );
      const run = spawnSync(
        process.execPath,
        [cli, 'local-cloud', '--port', String(port), '--data-dir', tempDir()],
        {
          encoding: 'utf8',
        },
      );
      expect(run.status).toBe(3);
      expect(run.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('says clearly when the data dir cannot be created, even for root', async () => {
    await expect(startLocalCloud({ dataDir: '/sys/kinesis-tui-test/data' })).rejects.toThrow(
      /cannot use \/sys\/kinesis-tui-test\/data as the local cloud's data dir .*--data-dir/,
    );
  });

  it('says clearly when the data dir is a file', async () => {
    const parent = tempDir();
    const file = join(parent, 'file');
    writeFileSync(file, 'x');
    const run = spawnSync(
      process.execPath,
      [cli, 'local-cloud', '--port', '0', '--data-dir', join(file, 'data')],
      {
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(
      /cannot use .* as the local cloud's data dir \(ENOTDIR\): choose a writable folder with --data-dir/,
    );
  });

  it('refuses a data dir another running local cloud holds', async () => {
    const dataDir = tempDir();
    const first = await startLocalCloud({ dataDir });
    try {
      await expect(startLocalCloud({ dataDir })).rejects.toThrow(/another local cloud \(pid \d+\) is using/);
    } finally {
      await first.stop();
    }
  }, 120_000);

  it('leaves nothing running when the process that started it is killed', async () => {
    const dataDir = tempDir();
    const script = `
      const { startLocalCloud } = await import(${JSON.stringify(join(import.meta.dirname, '../../../dist/src/local-cloud/index.js'))});
      const cloud = await startLocalCloud({ dataDir: ${JSON.stringify(dataDir)} });
      console.log(cloud.pid);
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const childPid = await new Promise<number>((resolve) =>
      parent.stdout.once('data', (d: Buffer) => resolve(Number(d))),
    );
    expect(alive(childPid)).toBe(true);
    parent.kill('SIGKILL');
    // Generous: a local cloud stopping on a loaded machine can take its full 10 s shutdown allowance and more.
    expect(await waitFor('the backend child to end', () => !alive(childPid), { intervalMs: 100 })).toBe(true);
    expect(readFileSync(join(dataDir, 'local-cloud.log'), 'utf8')).toContain('local cloud ready');
  }, 120_000);

  it('serves from the command line and stops cleanly on SIGTERM', async () => {
    const proc = spawn(process.execPath, [cli, 'local-cloud', '--port', '0', '--data-dir', tempDir()], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = await new Promise<string>((resolve) =>
      proc.stdout.once('data', (d: Buffer) => resolve(String(d))),
    );
    expect(line).toMatch(/^local cloud ready at http:\/\/127\.0\.0\.1:\d+ /);
    const exit = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    expect(await exit).toBe(0);
  }, 120_000);
});
