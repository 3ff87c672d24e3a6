// The Python transform of test/fixtures/pipeline-python.yaml answers every record as lambda/ does, so
// a stack deployed from either template writes the same objects.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { handler } from '../../../lambda/index.js';
import { parseTemplate } from '../../../src/template/parse.js';
import { firehoseEvent, shopEvent } from '../../support/firehose.js';
import { tempDir } from '../../support/local-cloud.js';
import { missingTool, skipTitle } from '../../support/tools.js';

const template = parseTemplate(readFileSync('test/fixtures/pipeline-python.yaml', 'utf8'));
const code =
  (template.Resources?.TransformFunction?.Properties?.Code as { ZipFile?: string } | undefined)?.ZipFile ??
  '';

const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
const INPUTS = [
  b64(JSON.stringify(shopEvent({ item_id: 120 }))),
  b64(JSON.stringify(shopEvent({ item_id: 249, price: 0 }))),
  b64(JSON.stringify(shopEvent({ item_id: 250 }))),
  b64(JSON.stringify(shopEvent({ item_id: 749, user_id: 'ünïcødé ✓' }))),
  b64(JSON.stringify(shopEvent({ item_id: 999 }))),
  b64(JSON.stringify(shopEvent({ action: 'login', item_id: null, price: null }))),
  b64('{"item_id": 250.0, "price": 12.5}'),
  b64('{"item_id": 250.5}'),
  b64('{"item_id": "300"}'),
  b64('{"item_id": true}'),
  b64('{"item_id": 1000}'),
  b64('{"item_id": 99}'),
  b64('{}'),
  b64('[1, 2]'),
  b64('"just a string"'),
  b64('{broken'),
  b64('{"item_id": NaN}'),
  b64(Buffer.from([0xff, 0xfe, 0x7b])),
  'not base64!',
  'YWJj',
  '',
];

const noPython = missingTool('python3');

describe('the Python transform fixture', () => {
  it.skipIf(noPython)(
    skipTitle('answers every record exactly as the Node.js transform does', noPython),
    async () => {
      const dir = tempDir('python-transform-');
      writeFileSync(join(dir, 'index.py'), code);
      const event = firehoseEvent(INPUTS);
      const run = spawnSync(
        'python3',
        ['-c', 'import json, sys, index; print(json.dumps(index.handler(json.load(sys.stdin), None)))'],
        { cwd: dir, input: JSON.stringify(event), encoding: 'utf8' },
      );
      expect(run.status, run.stderr).toBe(0);
      const python = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as Awaited<
        ReturnType<typeof handler>
      >;
      const node = await handler(event);
      const decoded = (r: { recordId: string; result: string; data: string }) => ({
        recordId: r.recordId,
        result: r.result,
        // Both write one JSON object per line; compare what the lines say (250.0 and 250 are one number).
        data: r.result === 'Ok' ? JSON.parse(Buffer.from(r.data, 'base64').toString('utf8')) : r.data,
        newline:
          r.result === 'Ok' ? Buffer.from(r.data, 'base64').toString('utf8').endsWith('\n') : undefined,
      });
      expect(python.records.map(decoded)).toEqual(node.records.map(decoded));
      expect(node.records.filter((r) => r.result === 'ProcessingFailed')).toHaveLength(8);
    },
  );
});
