// The whole wizard, built binary in a real terminal (tmux, 120x40), keyboard only: Deploy (with Firehose's
// buffers set to 0 so delivery is quick) -> Stream (pause, rate, burst, malformed) -> Verify (category
// counts that match what was sent, the malformed record in processing-failed) -> Cleanup, with a resize
// to 60x20 and back on the way. Every wait is on what the screen shows, with generous limits: the machine
// may be loaded.
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

async function selectParameter(t: Terminal, name: string): Promise<void> {
  for (let i = 0; i < 12; i++) {
    const before = await t.waitFor((s) => selectedLine(s) !== '');
    if (selectedLine(before).includes(name)) return;
    t.keys(['Down']);
    await t.waitFor((s) => selectedLine(s) !== selectedLine(before));
  }
  throw new Error(`no parameter ${name} on the Deploy screen`);
}

/** Edits a parameter a key at a time, as a person types, waiting for each key to show. */
async function setParameter(t: Terminal, name: string, value: string): Promise<void> {
  await selectParameter(t, name);
  t.keys(['e']);
  let screen = await t.waitFor((s) => s.includes('Esc undo'));
  while (!selectedLine(screen).includes(`${name.padEnd(30)} ▌`)) {
    const before = selectedLine(screen);
    t.keys(['BSpace']);
    screen = await t.waitFor((s) => selectedLine(s) !== before);
  }
  t.keys([value], true);
  await t.waitFor((s) => selectedLine(s).includes(`${value}▌`));
  t.keys(['Enter']);
  await t.waitFor((s) => new RegExp(`${name}\\s+${value} \\(edited\\)`).test(s) && !s.includes('Esc undo'));
}

describe('the whole wizard in a real terminal (tmux)', () => {
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
        columns: 120,
        rows: 40,
        env: { KINESIS_TUI_STATE_DIR: state },
      });
      const t = terminal;
      await t.waitFor((s) => s.includes('not deployed yet') && s.includes('Resources (10)'), LONG);

      // Deploy, with both Firehose buffers at 0 so objects are written within seconds.
      await setParameter(t, 'BufferIntervalSeconds', '0');
      await setParameter(t, 'ProcessorBufferIntervalSeconds', '0');
      t.keys(['Enter']);
      await t.waitFor((s) => /\[\d+\/10\]/.test(s) && s.includes('in progress:'), LONG);
      // Deployed: the parameters stay, with the stack's values, and its outputs are shown.
      const deployed = await t.waitFor((s) => s.includes('✔ created in') && s.includes('Outputs'), LONG);
      expect(deployed).toMatch(/StreamName\s+kinesis-tui-events/);
      expect(deployed).toMatch(/ProcessorBufferIntervalSeconds\s+0/);
      expect(deployed).toContain('[1 ✔ Deploy]');

      // Stream: live events, then pause, rate, burst and one malformed record.
      t.keys(['2']);
      const streaming = await t.waitFor(
        (s) =>
          s.includes('▶ sending to kinesis-tui-events') &&
          figure(s, 'acknowledged') > 0 &&
          /\d\d:\d\d:\d\d (login|view_item|add_to_cart|checkout)\s+user_\d+/.test(s),
        LONG,
      );
      expect(streaming).toMatch(/time\s+action\s+user\s+item\s+price\s+shard\s+sequence/);
      expect(streaming).toMatch(/\d\d:\d\d:\d\d (login|view_item|add_to_cart|checkout)\s+user_\d+/);
      expect(streaming).toContain('target 50/s');

      t.keys(['Space']);
      await t.waitFor((s) => s.includes('❚❚ paused') && figure(s, 'in flight') === 0, LONG);
      t.keys(['Space']);
      await t.waitFor((s) => s.includes('▶ sending'), LONG);
      t.keys(['+']);
      await t.waitFor((s) => s.includes('target 100/s'), LONG);

      // A resize to below the minimum and back, while events flow.
      t.resize(60, 20);
      await t.waitFor((s) => s.includes('Terminal too small: 60x20'), LONG);
      t.resize(120, 40);
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
          s.includes('malformed sent: 1') &&
          /\d\d:\d\d:\d\d malformed /.test(s) &&
          figure(s, 'in flight') === 0,
        LONG,
      );
      const acknowledged = figure(sent, 'acknowledged');
      expect(acknowledged).toBeGreaterThanOrEqual(before + 101);
      expect(figure(sent, 'failed')).toBe(0);

      // Verify: everything sent arrives, the categories match, the malformed record is in processing-failed.
      t.keys(['3']);
      const verified = await t.waitFor(
        (s) => s.includes('Every sent event is accounted for') && s.includes('Processing failed (1'),
        LONG,
      );
      expect(figure(verified, 'sent')).toBe(acknowledged);
      expect(verified).toMatch(
        new RegExp(`delivered ${(acknowledged - 1).toLocaleString('en-US')} · missing 0`),
      );
      expect(verified).toContain('(1 malformed on purpose, in processing-failed)');
      expect(verified).toMatch(/raw "malformed record [0-9a-f-]{36} \(not JSON, sent on purpose\)"/);
      let total = 0;
      for (const category of CATEGORIES) {
        const line = verified.split('\n').find((l) => l.startsWith(`${category} `) && l.includes(' sent'));
        const match = line && /([\d,]+) of ([\d,]+) sent/.exec(line);
        expect(match, `the ${category} bar`).toBeTruthy();
        expect(match?.[1]).toBe(match?.[2]);
        total += Number(match?.[1]?.replace(/,/g, ''));
      }
      expect(total).toBe(acknowledged - 1);
      expect(verified).toContain('[3 ✔ Verify]');
      // Preview the newest object.
      t.keys(['Enter']);
      await t.waitFor((s) => /(Transformed|Processing-failed) records in .* \(\d+\)/.test(s), LONG);
      t.keys(['Escape']);
      await t.waitFor((s) => s.includes('Enter preview'), LONG);

      // Cleanup: one key on the local cloud.
      t.keys(['4']);
      await t.waitFor((s) => s.includes('This is the local cloud: d deletes at once.'), LONG);
      t.keys(['d']);
      const deleted = await t.waitFor((s) => s.includes('What remains:') || s.includes(' failed · '), LONG);
      expect(deleted).toContain('stack deleted');
      expect(deleted).toContain('✔ Deleted: stack kinesis-tui, its 10 resources');
      expect(deleted).toContain('[4 ✔ Cleanup]');
      expect(deleted).toContain("the producer's journal, kept as");

      t.keys(['q']);
      await t.waitFor(() => t.exited(), LONG);
      expect(t.exitStatus()).toBe(0);
      await t.waitFor(() => localClouds(dataDir).length === 0, LONG);
    },
    900_000,
  );
});
