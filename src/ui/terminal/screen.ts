// The wizard's terminal while it runs: the alternate screen (what was on the terminal before comes back
// when the wizard ends, however it ends), and frames written as only the lines that changed. Ink renders
// into `stdout` (a stand-in with the terminal's size); each frame it produces is diffed against the last
// one written (frame.ts) and written at most `minIntervalMs` apart, so a frame that changed one number
// costs one line, and a frame that did not change costs nothing.
import { EventEmitter } from 'node:events';
import { frameLines, frameUpdate } from './frame.js';

/** The terminal the screen writes to (process.stdout). */
export interface TerminalStream {
  write(text: string): unknown;
  columns?: number;
  rows?: number;
  on(event: 'resize', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'resize', listener: () => void): unknown;
}

const ESC = '\u001B[';
/** Alternate screen on, cursor hidden, no line wrapping (a line too wide is cut, never wrapped onto the next). */
const ENTER = `${ESC}?1049h${ESC}?25l${ESC}?7l`;
/** Everything ENTER changed, put back; then the screen as it was before. */
const LEAVE = `${ESC}0m${ESC}?7h${ESC}?25h${ESC}?1049l`;
/** Synchronized update: terminals that know it show the frame at once instead of line by line. */
const BEGIN_UPDATE = `${ESC}?2026h`;
const END_UPDATE = `${ESC}?2026l`;

const FALLBACK = { columns: 80, rows: 24 };

/** What Ink renders into: the terminal's size and resizes, and every frame handed to the screen. */
export class ScreenStdout extends EventEmitter {
  readonly isTTY = true;
  columns: number;
  rows: number;

  constructor(
    size: { columns: number; rows: number },
    private readonly onFrame: (frame: string) => void,
  ) {
    super();
    this.columns = size.columns;
    this.rows = size.rows;
  }

  write(frame: string): boolean {
    this.onFrame(frame);
    return true;
  }
}

export interface FullScreenOptions {
  /** Frames are written at most this often; the latest one wins (default 50 ms). */
  minIntervalMs?: number;
  /** The terminal went away (closed window, killed tmux, lost ssh: writes fail with EIO/EPIPE). */
  onGone?: (error: Error) => void;
}

export class FullScreen {
  readonly stdout: ScreenStdout;
  /** Bytes written to the terminal (tests and the debug log). */
  bytesWritten = 0;
  private active = false;
  private shown: string[] | undefined;
  private latest = '';
  private dirty = false;
  private lastWrite = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly onResize = () => this.resized();
  private readonly onExit = () => this.restore();
  /**
   * A closed terminal fails every write, asynchronously, as an 'error' event: unheard, each one became an
   * uncaught exception whose handler wrote again, and the wizard spun forever instead of ending.
   */
  private readonly onError = (error: Error) => this.lost(error);
  private isGone = false;
  private errorsHeard = false;

  constructor(
    private readonly terminal: TerminalStream,
    private readonly options: FullScreenOptions = {},
  ) {
    this.stdout = new ScreenStdout(this.size(), (frame) => this.frame(frame));
  }

  private size(): { columns: number; rows: number } {
    return {
      columns: this.terminal.columns && this.terminal.columns > 0 ? this.terminal.columns : FALLBACK.columns,
      rows: this.terminal.rows && this.terminal.rows > 0 ? this.terminal.rows : FALLBACK.rows,
    };
  }

  /** True once the terminal has gone away: nothing more is written to it. */
  get gone(): boolean {
    return this.isGone;
  }

  private write(text: string): void {
    if (this.isGone) return;
    this.bytesWritten += Buffer.byteLength(text);
    try {
      this.terminal.write(text);
    } catch (error) {
      this.lost(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private lost(error: Error): void {
    if (this.isGone) return;
    this.isGone = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.options.onGone?.(error);
  }

  /** Switches to the alternate screen. Whatever way the process ends, `restore` runs (an exit handler). */
  enter(): void {
    if (this.active) return;
    this.active = true;
    // Kept for the life of the process: a write's failure can arrive after the wizard has finished.
    if (!this.errorsHeard) this.terminal.on('error', this.onError);
    this.errorsHeard = true;
    this.write(ENTER);
    this.terminal.on('resize', this.onResize);
    process.on('exit', this.onExit);
  }

  /** Back to the screen as it was before `enter`; safe to call more than once, and from an exit handler. */
  restore(): void {
    if (!this.active) return;
    this.active = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.terminal.off('resize', this.onResize);
    process.off('exit', this.onExit);
    this.write(LEAVE);
  }

  /**
   * A frame from Ink: written once the current call stack is done (or at the end of the current interval),
   * only the latest. Never at once: the frame Ink hands over as a screen opens still has the footer of the
   * one before; the screen's keys, registered as React commits, bring the right one in a frame that
   * follows in the same turn, and only that one is worth drawing.
   */
  frame(frame: string): void {
    this.latest = frame;
    this.dirty = true;
    if (!this.active || this.timer) return;
    const wait = this.lastWrite + (this.options.minIntervalMs ?? 50) - performance.now();
    this.timer = setTimeout(() => this.flush(), Math.max(0, wait));
  }

  /** Writes the latest frame's changed lines. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.active || !this.dirty) return;
    this.dirty = false;
    const lines = frameLines(this.latest, this.stdout.rows);
    const update = frameUpdate(this.shown, lines);
    this.shown = lines;
    this.lastWrite = performance.now();
    if (update) this.write(BEGIN_UPDATE + update + END_UPDATE);
  }

  private resized(): void {
    const size = this.size();
    this.stdout.columns = size.columns;
    this.stdout.rows = size.rows;
    // The terminal may have moved or wrapped what was on it: the next frame is drawn whole.
    this.shown = undefined;
    this.dirty = true;
    this.stdout.emit('resize');
    // Ink answers a resize with a frame; if it had nothing new to draw, draw the last one again.
    if (this.dirty && !this.timer) this.flush();
  }
}
