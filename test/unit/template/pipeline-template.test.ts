import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the build script is plain JavaScript, shared with `npm run build`.
import { bundleLambda, INLINE_LIMIT, templatePath } from '../../../scripts/lambda-bundle.mjs';
import { parseTemplate } from '../../../src/template/parse.js';
import { firehoseEvent, shopEvent } from '../../support/firehose.js';
import { missingTool, skipTitle } from '../../support/tools.js';

const template = parseTemplate(readFileSync(templatePath, 'utf8'));
const fn = template.Resources?.TransformFunction;
const inline = (fn?.Properties?.Code as { ZipFile?: string } | undefined)?.ZipFile ?? '';

describe('cfn/pipeline.yaml', () => {
  const noLint = missingTool('cfn-lint', ['--version'], 'cfn-lint with pip');
  it.skipIf(noLint)(skipTitle('passes cfn-lint with no errors or warnings', noLint), () => {
    const lint = spawnSync('cfn-lint', [templatePath], { encoding: 'utf8' });
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });

  it('holds exactly the bundled lambda/ code inline (run `npm run build` when this fails)', async () => {
    expect(inline.trimEnd()).toBe(await bundleLambda());
    expect(inline.length).toBeLessThanOrEqual(INLINE_LIMIT);
  });

  it('runs the function on a runtime AWS still lets you create, with the handler Lambda will look for', () => {
    expect(fn?.Properties?.Runtime).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/);
    expect(fn?.Properties?.Handler).toBe('index.handler');
  });

  it('transforms a Firehose event when its inline code runs as Lambda runs it (index.js, exports.handler)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inline-lambda-'));
    writeFileSync(join(dir, 'index.js'), inline);
    const good = shopEvent({ item_id: 777, action: 'view_item' });
    const event = firehoseEvent([
      Buffer.from(JSON.stringify(good)).toString('base64'),
      Buffer.from('{broken').toString('base64'),
    ]);
    // A fresh CommonJS process, as the Lambda runtime loads `index.js` and calls its `handler` export.
    // Its console output goes to stderr here, as Lambda sends it to the function's logs, not the response.
    const runner = `
      console.log = (...args) => process.stderr.write(args.join(' ') + '\\n');
      const mod = require(${JSON.stringify(join(dir, 'index.js'))});
      let input = '';
      process.stdin.on('data', (c) => (input += c)).on('end', async () => {
        process.stdout.write(JSON.stringify(await mod.handler(JSON.parse(input), {})));
      });`;
    const run = spawnSync(process.execPath, ['-e', runner], {
      input: JSON.stringify(event),
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const response = JSON.parse(run.stdout) as {
      records: Array<{ recordId: string; result: string; data: string }>;
    };
    expect(response.records.map((r) => [r.recordId, r.result])).toEqual([
      ['r0', 'Ok'],
      ['r1', 'ProcessingFailed'],
    ]);
    const line = Buffer.from(response.records[0]?.data ?? '', 'base64').toString('utf8');
    expect(JSON.parse(line)).toMatchObject({ event_id: good.event_id, item_id: 777, category: 'Books' });
    expect(response.records[1]?.data).toBe(event.records[1]?.data);
  });
});
