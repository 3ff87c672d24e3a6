// Every key the wizard answers, in one place: the help overlay lists them all, the footer shows the ones
// that work at the moment. One owner reads the keyboard (the App) and hands each key to, in order: the
// help overlay when open, the current screen, then the global keys.
import type { Key } from 'ink';
import type { StepId } from './steps.js';

export interface KeyHint {
  keys: string;
  does: string;
}

/** A screen's key handler: true when it used the key (the global keys then do not see it). */
export type KeyHandler = (input: string, key: Key) => boolean;

export const GLOBAL_KEYS: KeyHint[] = [
  { keys: '1-4', does: 'go to a step' },
  { keys: 'Tab', does: 'next step (Shift-Tab: previous)' },
  { keys: '?', does: 'this help' },
  { keys: 'q', does: 'quit (sending finishes first)' },
  { keys: 'Ctrl-C', does: 'quit; twice: at once' },
];

/** The global keys as the footer shows them, short. */
export const GLOBAL_FOOTER: KeyHint[] = [
  { keys: '1-4/Tab', does: 'steps' },
  { keys: '?', does: 'help' },
  { keys: 'q', does: 'quit' },
];

/** Every key of every screen, for the help overlay. */
export const SCREEN_KEYS: Record<StepId, KeyHint[]> = {
  deploy: [
    { keys: '↑ ↓', does: 'choose a parameter (Home/End: first/last)' },
    { keys: 'e', does: 'edit it (Enter keeps, Esc undoes)' },
    { keys: 'Enter', does: 'deploy, or update (y confirms)' },
    { keys: 'r', does: 'replace a failed stack' },
  ],
  stream: [
    { keys: 'space', does: 'start / pause / resume' },
    { keys: '+ -', does: 'faster / slower' },
    { keys: 'b', does: 'a burst of 100 events' },
    { keys: 'm', does: 'one malformed record' },
    { keys: '/', does: 'filter by action' },
    { keys: 't', does: 'events: built-in or a template' },
    { keys: 'l g', does: 'logs, graphs (in Verify too)' },
  ],
  verify: [
    { keys: '↑ ↓', does: 'choose an object' },
    { keys: 'PgUp PgDn', does: 'a page up / down' },
    { keys: 'Home End', does: 'first / last' },
    { keys: 'f', does: 'all / failed / delivered' },
    { keys: 'Enter', does: 'its records (Esc: back)' },
    { keys: 'r', does: 'refresh now' },
    { keys: 'a', does: 'auto-refresh on / off' },
  ],
  cleanup: [
    { keys: 'd', does: 'delete all (AWS: y confirms)' },
    { keys: 'e', does: 'export first (on / off)' },
  ],
};

/** Ctrl-C arrives as "c" with ctrl in raw mode. */
export function isCtrlC(input: string, key: Key): boolean {
  return key.ctrl && input === 'c';
}

/**
 * A text field's value after one read of the keyboard. Keys typed faster than the terminal is read arrive
 * as one chunk ("\x7f\x7f0"): backspaces in it delete, other control characters are dropped.
 */
export function typeInto(value: string, input: string, key: Key): string {
  if (key.backspace || key.delete) return [...value].slice(0, -1).join('');
  if (key.ctrl || key.meta) return value;
  const chars = [...value];
  for (const ch of input) {
    if (ch === '\u007f' || ch === '\b') chars.pop();
    else if (ch >= ' ') chars.push(ch);
  }
  return chars.join('');
}
