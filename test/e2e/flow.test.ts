// The whole wizard, built binary in a real terminal (tmux, at 80x24, the minimum, and 120x40), keyboard
// only: Deploy (with Firehose's buffers set to 0 so delivery is quick; one value pasted with its Enter) ->
// Stream (asked for while the deploy finishes; pause, rate, burst, malformed) -> Verify (category counts
// that match what was sent, the malformed record in processing-failed) -> Cleanup -> Deploy again, with a
// resize to 60x20 and back on the way, and the terminal as it was after quitting. Every wait is on what
// the screen shows, with generous limits: the machine may be loaded.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../lambda/records.js';
import { tempDir } from '../support/local-cloud.js';
import { openTerminal, type Terminal } from '../support/tmux.js';
import { missingTool, skipTitle } from '../support/tools.js';

const cli = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));
const noTmux = missingTool('tmux', ['-V']);
const LONG = 240_000;

function localClouds(dataDir: string): string[] {
  const out = spawnSync('pgrep', ['-f', `local-cloud/main\\.js.*${dataDir}`], { encoding: 'utf8' });
  return out.stdout.split('\n').filter(Boolean);
}

/** The number after `label` on screen (-1 when it is not there). */
function figure(screen: string, label: string): number {
  const match = new RegExp(`${label} ([\\d,]+)`).exec(screen);
  return match?.[1] ? Number(match[1].replace(/,/g, '')) : -1;
}

/** The selected parameter's line on the Deploy screen. */
const selectedLine = (screen: string) => screen.split('\n').find((l) => l.startsWith('› ')) ?? '';

/** The screen's text with line breaks and indents as single spaces: for text wrapped at 80 columns. */
const flat = (screen: string) => screen.replace(/\s+/g, ' ');

async function selectParameter(t: Terminal, name: string): Promise<void> {
  for (let i = 0; i < 12; i++) {
    const before = await t.waitFor((s) => selectedLine(s) !== '');
    if (selectedLine(before).includes(name)) return;
    t.keys(['Down']);
    await t.waitFor((s) => selectedLine(s) !== selectedLine(before));
  }
  throw new Error(`no parameter ${name} on the Deploy screen`);
}

/**
 * Edits a parameter: `e`, Backspace until the field is empty, then the value and Enter, either a key at a
 * time as a person types, or in one piece as a paste arrives (the value and Enter in one read).
 */
async function setParameter(t: Terminal, name: string, value: string, paste = false): Promise<void> {
  await selectParameter(t, name);
  t.keys(['e']);
  let screen = await t.waitFor((s) => s.includes('Esc undo'));
  while (!new RegExp(`${name}\\s+▌`).test(selectedLine(screen))) {
    const before = selectedLine(screen);
    t.keys(['BSpace']);
    screen = await t.waitFor((s) => selectedLine(s) !== before);
  }
  if (paste) t.keys([`${value}\r`], true);
  else {
    t.keys([value], true);
    await t.waitFor((s) => selectedLine(s).includes(`${value}▌`));
    t.keys(['Enter']);
  }
  await t.waitFor((s) => new RegExp(`${name}\\s+${value} \\(edited\\)`).test(s) && !s.includes('Esc undo'));
}

/** Category counts as Verify shows them: bars (`Books ███ 12 of 12 sent`) or one line (`Books 12/12`). */
function categoryCounts(screen: string): Map<string, { delivered: number; sent: number }> {
  const counts = new Map<string, { delivered: number; sent: number }>();
  const text = flat(screen);
  for (const category of CATEGORIES) {
    const match =
      new RegExp(`${category} [▏▎▍▌▋▊▉█ ]*([\\d,]+) of ([\\d,]+) sent`).exec(text) ??
      new RegExp(`${category} ([\\d,]+)/([\\d,]+)`).exec(text);
    if (match?.[1] && match[2]) {
      counts.set(category, {
        delivered: Number(match[1].replace(/,/g, '')),
        sent: Number(match[2].replace(/,/g, '')),
      });
    }
  }
  return counts;
}

describe.each([
  { columns: 80, rows: 24 },
  { columns: 120, rows: 40 },
])('the whole wizard in a real terminal (tmux, $columns x $rows)', (size) => {
  let terminal: Terminal | undefined;
  let state: string | undefined;
  afterEach(() => {
    terminal?.close();
    terminal = undefined;
    if (state) rmSync(state, { recursive: true, force: true });
  });

  it.skipIf(noTmux)(
    skipTitle('deploys, streams, verifies and tears down with the keyboard alone', noTmux),
    async () => {
      state = tempDir('wizard-flow-');
      const dataDir = join(state, 'cloud');
      terminal = openTerminal([process.execPath, cli, '--data-dir', dataDir], {
        ...size,
        env: { KINESIS_TUI_STATE_DIR: state },
      });
      const t = terminal;
      await t.waitFor((s) => s.includes('not deployed yet') && s.includes('Parameters'), LONG);

      // Deploy, with both Firehose buffers at 0 so objects are written within seconds; one value typed,
      // the other pasted with its Enter.
      await setParameter(t, 'BufferIntervalSeconds', '0');
      await setParameter(t, 'ProcessorBufferIntervalSeconds', '0', true);
      t.keys(['Enter']);
      // Stream asked for as soon as the deploy shows: while it runs, the key waits and the step opens once
      // the stack can stream. No wait for a passing frame (such as [10/10], on screen for a fraction of a
      // second): a loaded machine may never show it to the test. A deploy already done opens it at once.
      await t.waitFor(
        (s) => (/\[\d+\/10\]/.test(s) && s.includes('in progress:')) || s.includes('✔ created in'),
        LONG,
      );
      t.keys(['2']);
      const streaming = await t.waitFor(
        (s) =>
          s.includes('▶ sending · stream kinesis-tui-events') &&
          figure(s, 'acknowledged') > 0 &&
          /\d\d:\d\d:\d\d (login|view_item|add_to_cart|checkout)\s+user_\d+/.test(s),
        LONG,
      );
      expect(streaming).toMatch(
        size.columns >= 81
          ? /time\s+action\s+user\s+item\s+price\s+shard\s+sequence/
          : /time\s+action\s+user\s+item\s+price\s+shard\n/,
      );
      expect(streaming).toContain('target 100/s');

      // Back on Deploy: the parameters stay, with the stack's values, beside its outputs.
      t.keys(['1']);
      const deployed = await t.waitFor((s) => s.includes('✔ created in') && s.includes('Outputs'), LONG);
      expect(deployed).toMatch(/StreamName\s+kinesis-tui-events/);
      expect(deployed).toMatch(/ProcessorBufferIntervalSeconds\s+0\b/);
      expect(deployed).toContain('[1 ✔ Deploy]');
      t.keys(['2']);
      await t.waitFor((s) => s.includes('▶ sending'), LONG);

      t.keys(['Space']);
      await t.waitFor((s) => s.includes('❚❚ paused') && figure(s, 'in flight') === 0, LONG);
      t.keys(['Space']);
      await t.waitFor((s) => s.includes('▶ sending'), LONG);
      t.keys(['+']);
      await t.waitFor((s) => s.includes('target 200/s'), LONG);

      // A resize to below the minimum and back, while events flow.
      t.resize(60, 20);
      await t.waitFor((s) => s.includes('Terminal too small: 60x20'), LONG);
      t.resize(size.columns, size.rows);
      const back = await t.waitFor((s) => s.includes('[2 ✔ Stream]') && s.includes('▶ sending'), LONG);
      expect(back.match(/local cloud 127/g)?.length).toBe(1);

      t.keys(['Space']);
      const paused = await t.waitFor((s) => s.includes('❚❚ paused') && figure(s, 'in flight') === 0, LONG);
      const before = figure(paused, 'acknowledged');
      t.keys(['b']);
      await t.waitFor((s) => figure(s, 'acknowledged') >= before + 100 && figure(s, 'in flight') === 0, LONG);
      t.keys(['m']);
      const sent = await t.waitFor(
        (s) =>
          s.includes('malformed sent on purpose: 1') &&
          /\d\d:\d\d:\d\d malformed /.test(s) &&
          figure(s, 'in flight') === 0,
        LONG,
      );
      const acknowledged = figure(sent, 'acknowledged');
      expect(acknowledged).toBeGreaterThanOrEqual(before + 101);
      expect(figure(sent, 'failed')).toBe(0);

      // Verify: everything sent arrives, the categories match, the malformed record is in processing-failed,
      // drawn as expected, not as a failure.
      t.keys(['3']);
      const verified = await t.waitFor(
        (s) =>
          flat(s).includes('Every sent event is accounted for') &&
          flat(s).includes('1 record sent malformed on purpose is in processing-failed, as it should be.'),
        LONG,
      );
      expect(figure(verified, 'sent')).toBe(acknowledged);
      expect(flat(verified)).toContain(
        `delivered ${(acknowledged - 1).toLocaleString('en-US')} · awaiting 0 · duplicates 0 · processing-failed 1 (1 on purpose)`,
      );
      expect(flat(verified)).toContain('(1 malformed on purpose, in processing-failed)');
      expect(verified).not.toContain('✖');
      const counts = categoryCounts(verified);
      expect([...counts.keys()]).toEqual([...CATEGORIES]);
      let total = 0;
      for (const [category, { delivered, sent: of }] of counts) {
        expect(delivered, category).toBe(of);
        total += delivered;
      }
      expect(total).toBe(acknowledged - 1);
      expect(verified).toContain('[3 ✔ Verify]');
      // Only the processing-failed objects, then the one's records: the malformed record, decoded.
      t.keys(['f']);
      await t.waitFor((s) => s.includes('showing processing-failed only') && /› failed /.test(s), LONG);
      t.keys(['Enter']);
      const failed = await t.waitFor((s) => /Processing-failed records.*\(1\)/.test(s), LONG);
      expect(flat(failed)).toMatch(/raw "malformed record [0-9a-f-]{36} \(not JSON, sent on purpose\)"/);
      t.keys(['Escape']);
      await t.waitFor((s) => s.includes('Enter preview'), LONG);
      t.keys(['f']);
      t.keys(['f']);
      await t.waitFor((s) => !s.includes('showing '), LONG);

      // Cleanup: one key on the local cloud.
      t.keys(['4']);
      await t.waitFor((s) => s.includes('This is the local cloud: d deletes at once.'), LONG);
      t.keys(['d']);
      const deleted = await t.waitFor((s) => s.includes('What remains:') || s.includes(' failed · '), LONG);
      expect(deleted).toContain('stack deleted');
      expect(flat(deleted)).toContain('✔ Deleted: stack kinesis-tui, its 10 resources');
      expect(deleted).toContain('[4 ✔ Cleanup]');
      expect(flat(deleted)).toContain("the producer's journal, kept as");

      // Deploy starts over: no results of the deleted stack, the values typed kept.
      t.keys(['1']);
      const again = await t.waitFor((s) => s.includes('not deployed yet') && s.includes('Parameters'), LONG);
      expect(again).not.toContain('Outputs');
      expect(again).toMatch(/BufferIntervalSeconds\s+0 \(edited\)/);

      t.keys(['q']);
      await t.waitFor(() => t.exited(), LONG);
      expect(t.exitStatus()).toBe(0);
      // The terminal as it was, and what the session left.
      const after = flat(t.scrollback());
      expect(after).not.toContain('? help');
      expect(after).toContain('kinesis-tui: quit.');
      expect(after).toContain(`This session sent ${acknowledged.toLocaleString('en-US')} events`);
      await t.waitFor(() => localClouds(dataDir).length === 0, LONG);
    },
    900_000,
  );
});
