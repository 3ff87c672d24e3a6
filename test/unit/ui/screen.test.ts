import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { frameLines, frameUpdate } from '../../../src/ui/terminal/frame.js';
import { FullScreen } from '../../../src/ui/terminal/screen.js';

const ESC = '\u001B[';

/** Waits for the screen's next write to the terminal (frames are written once the current turn is over). */
async function written(terminal: FakeTerminal): Promise<void> {
  const before = terminal.writes;
  for (let i = 0; i < 100 && terminal.writes === before; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A terminal that keeps what was written to it. */
class FakeTerminal extends EventEmitter {
  written: string[] = [];
  constructor(
    public columns = 80,
    public rows = 24,
  ) {
    super();
  }
  writes = 0;
  write(text: string) {
    this.writes++;
    this.written.push(text);
    return true;
  }
  take(): string {
    const all = this.written.join('');
    this.written = [];
    return all;
  }
}

describe('frame updates', () => {
  it('draws a first frame whole, on a cleared screen', () => {
    expect(frameUpdate(undefined, ['one', '', 'three'])).toBe(`${ESC}H${ESC}2J${ESC}1;1Hone${ESC}3;1Hthree`);
  });

  it('writes only the lines that changed, each at its row, and nothing when nothing changed', () => {
    const before = ['header', 'sent 10', 'row a', 'row b'];
    expect(frameUpdate(before, [...before])).toBe('');
    expect(frameUpdate(before, ['header', 'sent 11', 'row a', 'row b'])).toBe(`${ESC}2;1H${ESC}2Ksent 11`);
  });

  it('erases lines a shorter frame no longer has', () => {
    expect(frameUpdate(['a', 'b', 'c'], ['a'])).toBe(`${ESC}2;1H${ESC}2K${ESC}3;1H${ESC}2K`);
  });

  it('never lets a frame taller than the screen scroll it', () => {
    expect(frameLines('1\n2\n3\n4', 3)).toEqual(['1', '2', '3']);
  });
});

describe('the full screen', () => {
  const screens: FullScreen[] = [];
  afterEach(() => {
    for (const s of screens) s.restore();
    screens.length = 0;
  });

  function open(terminal: FakeTerminal) {
    const screen = new FullScreen(terminal as never, { minIntervalMs: 0 });
    screens.push(screen);
    return screen;
  }

  it('enters the alternate screen, and leaves it as it found it, once', () => {
    const terminal = new FakeTerminal();
    const screen = open(terminal);
    screen.enter();
    expect(terminal.take()).toBe(`${ESC}?1049h${ESC}?25l${ESC}?7l`);
    screen.restore();
    screen.restore();
    expect(terminal.take()).toBe(`${ESC}0m${ESC}?7h${ESC}?25h${ESC}?1049l`);
  });

  it('restores the terminal when the process exits without a word (process.exit, a crash)', () => {
    const terminal = new FakeTerminal();
    const screen = open(terminal);
    screen.enter();
    terminal.take();
    process.emit('exit', 1);
    expect(terminal.take()).toContain(`${ESC}?1049l`);
    // Restored once only, and the handler is gone.
    process.emit('exit', 1);
    expect(terminal.take()).toBe('');
  });

  it('writes what changed between frames, and nothing for a frame like the last', async () => {
    const terminal = new FakeTerminal();
    const screen = open(terminal);
    screen.enter();
    terminal.take();
    screen.stdout.write('title\nsent 1\nfooter');
    await written(terminal);
    expect(terminal.take()).toContain('sent 1');
    screen.stdout.write('title\nsent 2\nfooter');
    await written(terminal);
    const update = terminal.take();
    expect(update).toContain(`${ESC}2;1H${ESC}2Ksent 2`);
    expect(update).not.toContain('title');
    expect(update).not.toContain('footer');
    screen.stdout.write('title\nsent 2\nfooter');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(terminal.take()).toBe('');
  });

  it('draws only the last of the frames handed over in one turn (a screen opening, then its footer)', async () => {
    const terminal = new FakeTerminal();
    const screen = open(terminal);
    screen.enter();
    screen.stdout.write('Stream\nspace pause');
    await written(terminal);
    terminal.take();
    // Ink's frame as Deploy opens still has Stream's keys; the one its keys bring follows at once.
    screen.stdout.write('Deploy\nspace pause');
    screen.stdout.write('Deploy\nEnter update');
    await written(terminal);
    await new Promise((resolve) => setTimeout(resolve, 10));
    // One write: Deploy never shown with Stream's keys under it.
    expect(terminal.written).toHaveLength(1);
    expect(terminal.written[0]).toContain('Deploy');
    expect(terminal.written[0]).toContain('Enter update');
  });

  it('redraws everything at the new size after a resize, and tells Ink the size', async () => {
    const terminal = new FakeTerminal();
    const screen = open(terminal);
    const sizes: Array<[number, number]> = [];
    screen.stdout.on('resize', () => sizes.push([screen.stdout.columns, screen.stdout.rows]));
    screen.enter();
    screen.stdout.write('a\nb');
    await written(terminal);
    terminal.take();
    terminal.columns = 120;
    terminal.rows = 40;
    terminal.emit('resize');
    expect(sizes).toEqual([[120, 40]]);
    // Nothing new from Ink: the last frame again, whole, on a cleared screen.
    expect(terminal.take()).toContain(`${ESC}H${ESC}2J${ESC}1;1Ha${ESC}2;1Hb`);
  });

  it('stops writing once the terminal has gone (a write failed), and says so once', async () => {
    const terminal = new FakeTerminal();
    const gone: string[] = [];
    const screen = new FullScreen(terminal as never, {
      minIntervalMs: 0,
      onGone: (error) => gone.push(error.message),
    });
    screens.push(screen);
    screen.enter();
    screen.stdout.write('frame 1');
    await written(terminal);
    terminal.take();
    terminal.emit('error', new Error('write EIO'));
    terminal.emit('error', new Error('write EIO'));
    expect(gone).toEqual(['write EIO']);
    expect(screen.gone).toBe(true);
    screen.stdout.write('frame 2');
    screen.restore();
    expect(terminal.take()).toBe('');
  });

  it('keeps only the latest frame of those that arrive within the interval', async () => {
    const terminal = new FakeTerminal();
    const screen = new FullScreen(terminal as never, { minIntervalMs: 30 });
    screens.push(screen);
    screen.enter();
    screen.stdout.write('frame 1');
    await written(terminal);
    terminal.take();
    screen.stdout.write('frame 2');
    screen.stdout.write('frame 3');
    expect(terminal.take()).toBe('');
    await new Promise((resolve) => setTimeout(resolve, 60));
    const later = terminal.take();
    expect(later).toContain('frame 3');
    expect(later).not.toContain('frame 2');
  });
});
