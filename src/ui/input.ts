// One read of the keyboard as the keys that were pressed. Ink hands over what one read of the terminal
// brought: keys typed faster than it reads, or pasted ("0" then Enter as "0\r"), arrive together as one
// string that Ink does not take apart (no `key.return` for "0\r", a Ctrl-C inside "ab\x03" lost). The App
// dispatches the keys this returns one at a time, each seeing the screen the one before it left. Pure.
import type { Key } from 'ink';

export interface Keystroke {
  input: string;
  key: Key;
}

export function blankKey(): Key {
  return {
    upArrow: false,
    downArrow: false,
    leftArrow: false,
    rightArrow: false,
    pageDown: false,
    pageUp: false,
    home: false,
    end: false,
    return: false,
    escape: false,
    ctrl: false,
    shift: false,
    tab: false,
    backspace: false,
    delete: false,
    meta: false,
    super: false,
    hyper: false,
    capsLock: false,
    numLock: false,
  };
}

/** One character of a run of text as the key it stands for. */
function characterKey(ch: string): Keystroke {
  const key = blankKey();
  if (ch === '\r' || ch === '\n') return { input: '', key: { ...key, return: true } };
  if (ch === '\t') return { input: '', key: { ...key, tab: true } };
  // Terminals send DEL (0x7f) for the backspace key; Ink calls it delete. Text fields treat both alike.
  if (ch === '\u007f') return { input: '', key: { ...key, delete: true } };
  if (ch === '\b') return { input: '', key: { ...key, backspace: true } };
  const code = ch.codePointAt(0) ?? 0;
  if (code >= 1 && code <= 26) {
    return { input: String.fromCharCode(code + 96), key: { ...key, ctrl: true } };
  }
  if (code < 32) return { input: '', key };
  return { input: ch, key: { ...key, shift: /[A-Z]/.test(ch) } };
}

const NAMED: ReadonlyArray<keyof Key> = [
  'upArrow',
  'downArrow',
  'leftArrow',
  'rightArrow',
  'pageUp',
  'pageDown',
  'home',
  'end',
  'return',
  'tab',
  'backspace',
  'delete',
];

/**
 * The keys in one read. A run of text is taken apart a character at a time (Enter, Tab, Backspace and
 * Ctrl-letters in it included). A named key with Meta (Ink's reading of Esc followed at once by that key,
 * as when Esc and an arrow are pressed together) is Esc, then the key: the wizard binds no Alt keys.
 */
export function keystrokes(input: string, key: Key): Keystroke[] {
  const named = NAMED.find((name) => key[name]);
  if (named) {
    if (key.meta && !key.escape) {
      return [
        { input: '', key: { ...blankKey(), escape: true, meta: true } },
        { input, key: { ...key, meta: false } },
      ];
    }
    return [{ input, key }];
  }
  if (key.escape || key.ctrl || [...input].length <= 1) return [{ input, key }];
  return [...input].map(characterKey);
}
