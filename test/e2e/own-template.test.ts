// The wizard with a template of the user's own (`--template`, the classic homework's shape: its own
// parameter names, a Python transform that drops event_id, no S3 prefix), built binary in tmux, keyboard
// only: Deploy with the template's parameters -> Stream into its stream -> Verify matching by content ->
// Cleanup emptying its bucket. Every wait is on what the screen shows.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../lambda/records.js';
import { tempDir } from '../support/local-cloud.js';
import { openTerminal, type Terminal } from '../support/tmux.js';
import { missingTool, skipTitle } from '../support/tools.js';

const cli = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));
const template = fileURLToPath(new URL('../fixtures/seed-pipeline.yaml', import.meta.url));
const missing = missingTool('tmux', ['-V']) ?? missingTool('python3');
const LONG = 240_000;

const figure = (screen: string, label: string) => {
  const match = new RegExp(`${label} ([\\d,]+)`).exec(screen);
  return match?.[1] ? Number(match[1].replace(/,/g, '')) : -1;
};
const selectedLine = (screen: string) => screen.split('\n').find((l) => l.startsWith('› ')) ?? '';

/** Selects a parameter by name and types a new value into it, a key at a time, as a person does. */
async function setParameter(t: Terminal, name: string, value: string): Promise<void> {
  for (
    let i = 0;
    i < 12 && !selectedLine(await t.waitFor((s) => selectedLine(s) !== '')).includes(name);
    i++
  ) {
    const before = selectedLine(await t.waitFor((s) => selectedLine(s) !== ''));
    t.keys(['Down']);
    await t.waitFor((s) => selectedLine(s) !== before);
  }
  t.keys(['e']);
  let screen = await t.waitFor((s) => s.includes('Esc undo'));
  const emptied = new RegExp(`^› ${name}\\s+▌(\\s|$)`);
  while (!emptied.test(selectedLine(screen))) {
    const before = selectedLine(screen);
    t.keys(['BSpace']);
    screen = await t.waitFor((s) => selectedLine(s) !== before);
  }
  t.keys([value], true);
  await t.waitFor((s) => selectedLine(s).includes(`${value}▌`));
  t.keys(['Enter']);
  await t.waitFor((s) => new RegExp(`${name}\\s+${value} \\(edited\\)`).test(s) && !s.includes('Esc undo'));
}

describe('the wizard with your own template, in a real terminal (tmux)', () => {
  let terminal: Terminal | undefined;
  let state: string | undefined;
  afterEach(() => {
    terminal?.close();
    terminal = undefined;
    if (state) rmSync(state, { recursive: true, force: true });
  });

  it.skipIf(missing)(
    skipTitle('goes through all four steps with the classic homework template', missing),
    async () => {
      state = tempDir('wizard-own-');
      terminal = openTerminal(
        [process.execPath, cli, '--data-dir', join(state, 'cloud'), '--template', template],
        { columns: 120, rows: 40, env: { KINESIS_TUI_STATE_DIR: state } },
      );
      const t = terminal;
      // Its parameters, under their own names.
      const first = await t.waitFor(
        (s) => s.includes('not deployed yet') && s.includes('Resources (6)'),
        LONG,
      );
      for (const name of ['KinesisStreamName', 'S3BucketName', 'DataFirehoseName', 'LambdaFunctionName'])
        expect(first).toContain(name);
      await setParameter(t, 'S3BucketName', 'wizard-homework-bucket');
      await setParameter(t, 'BufferSeconds', '0');
      t.keys(['Enter']);
      await t.waitFor((s) => s.includes('CREATE_COMPLETE · ✔ created in'), LONG);

      // Stream: into the template's stream, found in the stack.
      t.keys(['2']);
      await t.waitFor(
        (s) => s.includes('▶ sending · stream ecommerce-events-stream') && figure(s, 'acknowledged') >= 60,
        LONG,
      );
      t.keys(['Space']);
      await t.waitFor((s) => s.includes('❚❚ paused') && figure(s, 'in flight') === 0, LONG);

      // Verify: the transform drops event_id, so records are matched by what it kept.
      t.keys(['3']);
      const verified = await t.waitFor(
        (s) => s.includes('Every sent event is accounted for') && figure(s, 'sent') >= 60,
        LONG,
      );
      const sent = figure(verified, 'sent');
      // Its objects, at the bucket's root (the template sets no prefix).
      expect(verified).toMatch(
        /s3:\/\/wizard-homework-bucket\/\d{4}\/\d\d\/\d\d\/\d\d\/ecommerce-events-firehose-/,
      );
      expect(verified).toMatch(/matched on user_id\+item_id\+price \(no event_id\)/);
      expect(verified).toMatch(new RegExp(`delivered ${sent.toLocaleString('en-US')} · awaiting 0`));
      expect(verified).toContain('s3://wizard-homework-bucket');
      for (const category of CATEGORIES) {
        const line = verified.split('\n').find((l) => l.startsWith(`${category} `) && l.includes(' sent'));
        const match = line && /([\d,]+) of ([\d,]+) sent/.exec(line);
        expect(match, `the ${category} bar`).toBeTruthy();
        expect(match?.[1]).toBe(match?.[2]);
      }
      t.keys(['Enter']);
      const preview = await t.waitFor((s) => /Transformed records in \S+ \(\d+\)/.test(s), LONG);
      // An object of the template's delivery stream, with the fields its transform writes.
      expect(preview).toMatch(/Transformed records in \S*-firehose-1-\d{4}-/);
      expect(preview).toMatch(/user_id\s+item_id\s+category\s+price/);
      t.keys(['Escape']);
      await t.waitFor((s) => s.includes('Enter preview'), LONG);

      // Cleanup: the bucket discovery found is emptied, then the stack deleted.
      t.keys(['4']);
      await t.waitFor((s) => s.includes('every object in s3://wizard-homework-bucket'), LONG);
      t.keys(['d']);
      const deleted = await t.waitFor((s) => s.includes('What remains:') || s.includes(' failed · '), LONG);
      expect(deleted).toContain('✔ Deleted: stack kinesis-tui, its 6 resources');
      expect(deleted).toContain('from s3://wizard-homework-bucket');

      t.keys(['q']);
      await t.waitFor(() => t.exited(), LONG);
      expect(t.exitStatus()).toBe(0);
    },
    900_000,
  );
});
