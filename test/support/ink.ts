// Driving Ink screens in tests (ink-testing-library): keys in, frames out, waiting for frames rather than
// sleeping.
import type { render } from 'ink-testing-library';

export type Rendered = ReturnType<typeof render>;

export const KEYS = {
  enter: '\r',
  escape: '\u001B',
  tab: '\t',
  shiftTab: '\u001B[Z',
  up: '\u001B[A',
  down: '\u001B[B',
  backspace: '\u007F',
  ctrlC: '\u0003',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  home: '\u001B[H',
  end: '\u001B[F',
} as const;

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Waits until the last frame satisfies `predicate`; returns that frame, or fails showing the last one. */
export async function waitForFrame(
  r: Rendered,
  predicate: (frame: string) => boolean,
  timeoutMs = 15_000,
): Promise<string> {
  const until = Date.now() + timeoutMs;
  while (true) {
    const frame = r.lastFrame() ?? '';
    if (predicate(frame)) return frame;
    if (Date.now() > until)
      throw new Error(`no frame matched within ${timeoutMs} ms; the last one:\n${frame}`);
    await tick();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Waits for a frame containing every one of `texts`. */
export function waitForText(r: Rendered, ...texts: string[]): Promise<string> {
  return waitForFrame(r, (frame) => texts.every((t) => frame.includes(t)));
}

/** Types `input` once Ink's effects have subscribed (a tick after the last render). */
export async function press(r: Rendered, input: string): Promise<void> {
  await tick();
  r.stdin.write(input);
  await tick();
}

/** Resizes the fake terminal (ink-testing-library's stdout says 100 columns and no rows). */
export function resize(r: Rendered, columns: number, rows: number): void {
  Object.defineProperty(r.stdout, 'columns', { value: columns, configurable: true });
  Object.defineProperty(r.stdout, 'rows', { value: rows, configurable: true });
  r.stdout.emit('resize');
}

/** A frame's text with every run of spaces and line breaks as one space: for text wrapped over lines. */
export function flat(frame: string): string {
  return frame.replace(/\s+/g, ' ');
}

/** A frame's text with no white space at all: for an identifier (a key, an ARN) broken over lines. */
export function squeezed(frame: string): string {
  return frame.replace(/\s+/g, '');
}
