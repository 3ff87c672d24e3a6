// Events of your own, through the built binary: `stream --events FILE` into the deployed pipeline, then
// verify accounts for every one of them; a broken template is refused before anything starts. One local
// cloud, reached as an endpoint, delivers while the commands run.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/commands/exit-codes.js';
import { tempDir, useLocalCloud } from '../../support/local-cloud.js';
import { cleanEnv, FAST_PIPELINE, runCli as run } from './cli.js';

const work = tempDir('event-template-');
afterAll(() => rmSync(work, { recursive: true, force: true }));
const env = cleanEnv({ KINESIS_TUI_STATE_DIR: join(work, 'state') });
const runCli = (args: string[], options: Parameters<typeof run>[1] = {}) => run(args, { env, ...options });
let lc: ReturnType<typeof useLocalCloud>;
const at = () => ['--endpoint-url', lc().cloud.endpoint];
const common = () => [...at(), '--json'];

const TEMPLATE = `{
  "device": "{{random.arrayElement(["door-1", "door-2", "window-3"])}}",
  "opened_by": "{{name.firstName}} {{name.lastName}}",
  "item_id": {{random.arrayElement([120, 300, 600, 800, 5000])}},
  "state": "{{random.weightedArrayElement({"weights": [0.7, 0.3], "data": ["open", "closed"]})}}",
  "at": "{{date.utc("YYYY-MM-DD HH:mm:ss")}}"
}
`;

describe('events of your own', () => {
  lc = useLocalCloud({ firehosePollMs: 250 });

  beforeAll(async () => {
    const deploy = await runCli(['deploy', ...common(), ...FAST_PIPELINE], { timeoutMs: 300_000 });
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(EXIT.ok);
  }, 360_000);

  it('streams events made from a template, keyed by one of its fields, and verify finds each one delivered', async () => {
    const file = join(work, 'doors.json');
    writeFileSync(file, TEMPLATE);
    const stream = await runCli(
      [
        'stream',
        ...common(),
        '--events',
        file,
        '--partition-key',
        'device',
        '--count',
        '600',
        '--rate',
        '600',
        '--seed',
        '3',
      ],
      { timeoutMs: 180_000 },
    );
    expect(
      stream.json.find((l) => l.type === 'streaming'),
      stream.stdout + stream.stderr,
    ).toMatchObject({
      events: file,
      seed: 3,
    });
    expect(stream.json.find((l) => l.type === 'summary')).toMatchObject({
      sent: 600,
      acknowledged: 600,
      failed: 0,
    });
    expect(stream.code).toBe(EXIT.ok);

    const verify = await runCli(['verify', ...common(), '--wait', '--timeout', '3m'], { timeoutMs: 240_000 });
    const report = verify.json.find((l) => l.type === 'report');
    expect(report, verify.stdout + verify.stderr).toMatchObject({
      acknowledged: 600,
      delivered: 600,
      missing: 0,
      processingFailed: 0,
      ok: true,
    });
    // The template's item_ids fall in every band and outside them: the transform's categories agree.
    const categories = report?.categories as {
      sent: Record<string, number>;
      delivered: Record<string, number>;
    };
    expect(categories.delivered).toEqual(categories.sent);
    for (const name of ['Clothing', 'Instruments', 'Electronics', 'Books', 'Other'])
      expect(categories.sent[name]).toBeGreaterThan(0);
    expect(verify.code).toBe(EXIT.ok);
  }, 480_000);

  it('refuses a broken template with its line and what to do, before starting anything', async () => {
    const file = join(work, 'broken.json');
    writeFileSync(file, '{\n  "device": "{{random.arrayElemnt(["a"])}}"\n}\n');
    const result = await runCli(['stream', ...common(), '--events', file, '--count', '10']);
    expect(result.code).toBe(EXIT.usage);
    const error = result.json.find((l) => l.type === 'error');
    expect(error?.message).toMatch(
      /broken\.json line 2: \{\{random\.arrayElemnt\(\["a"\]\)\}\}: there is no random\.arrayElemnt \(did you mean random\.arrayElement\?\)/,
    );
    expect(result.json.some((l) => l.type === 'target')).toBe(false);
    const plain = await runCli(['stream', ...at(), '--partition-key', 'device']);
    expect(plain.code).toBe(EXIT.usage);
    expect(plain.stderr).toMatch(
      /--partition-key picks a field of your own events: use it with --events FILE/,
    );
  }, 120_000);
});
