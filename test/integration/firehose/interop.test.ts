// Issue 3's "Done when" with a client nobody here wrote: a boto3 script (test/fixtures/firehose-boto3.py)
// against `kinesis-tui local-cloud` from dist builds a stream -> Firehose (Node.js and Python Lambda
// processors from inline code) -> S3 pipeline, puts well-formed and malformed records, and finds exactly
// the transformed ones under Firehose's key format and the malformed ones under processing-failed/.
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../support/local-cloud.js';
import { noBoto3, runOutsideClient } from '../../support/outside-clients.js';
import { skipTitle } from '../../support/tools.js';

const cli = join(import.meta.dirname, '../../../dist/src/cli.js');
const script = join(import.meta.dirname, '../../fixtures/firehose-boto3.py');

interface Found {
  dataKeys: string[];
  failedKeys: string[];
  lines: string[];
  failures: Array<{ rawData: string; errorCode: string; attemptsMade: number; lambdaArn: string }>;
}

/** Starts the built binary's local cloud and resolves with the endpoint from its ready line. */
function startCli(dataDir: string): Promise<{ proc: ChildProcess; endpoint: string }> {
  const proc = spawn(process.execPath, [cli, 'local-cloud', '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const endpoint = /ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (endpoint) resolve({ proc, endpoint });
    });
    proc.once('exit', (code) => reject(new Error(`kinesis-tui local-cloud exited (${code}): ${out}`)));
  });
}

describe('Firehose delivery with boto3 against kinesis-tui local-cloud', () => {
  const dataDir = tempDir('firehose-boto3-');
  let cloud: ChildProcess | undefined;
  afterAll(async () => {
    if (cloud && cloud.exitCode === null) {
      const exited = new Promise((resolve) => cloud?.once('exit', resolve));
      cloud.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.skipIf(noBoto3)(
    skipTitle(
      'Node.js and Python processors: exactly the transformed records, malformed ones under processing-failed/',
      noBoto3,
    ),
    async () => {
      const started = await startCli(dataDir);
      cloud = started.proc;
      const result = await runOutsideClient('python3', [script, started.endpoint, 'interop']);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const found = JSON.parse(result.stdout) as Record<'node' | 'python', Found>;
      for (const kind of ['node', 'python'] as const) {
        const { dataKeys, failedKeys, lines, failures } = found[kind];
        expect(dataKeys.length).toBeGreaterThan(0);
        for (const key of dataKeys) {
          expect(key).toMatch(
            new RegExp(
              `^\\d{4}/\\d{2}/\\d{2}/\\d{2}/boto-${kind}-interop-1-\\d{4}(-\\d{2}){5}-[0-9a-f-]{36}$`,
            ),
          );
        }
        for (const key of failedKeys) {
          expect(key).toMatch(
            new RegExp(`^processing-failed/\\d{4}/\\d{2}/\\d{2}/\\d{2}/boto-${kind}-interop-1-`),
          );
        }
        expect(lines.map((line) => JSON.parse(line))).toEqual(
          Array.from({ length: 24 }, (_, i) => ({
            event_id: `e-${String(i).padStart(3, '0')}`,
            action: ['VIEW_ITEM', 'ADD_TO_CART', 'PURCHASE'][i % 3],
            by: kind,
          })),
        );
        expect(failures.map((f) => Buffer.from(f.rawData, 'base64')).sort(Buffer.compare)).toEqual(
          [
            Buffer.from('this is not json'),
            Buffer.from([0xff, 0xfe, 0x00, ...Buffer.from(' not UTF-8')]),
            Buffer.from('[1, 2, 3]'),
            Buffer.from('{"action": "no event id"}'),
          ].sort(Buffer.compare),
        );
        for (const failure of failures) {
          expect(failure).toMatchObject({
            errorCode: 'Lambda.ProcessingFailedStatus',
            attemptsMade: 1,
            lambdaArn: `arn:aws:lambda:us-east-1:000000000000:function:boto-${kind}-interop`,
          });
        }
      }
    },
    300_000,
  );
});
