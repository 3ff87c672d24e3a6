// A screen's share of the keyboard. The App owns the one useInput; the current screen registers its
// handler and the hints for the footer here. `capturing` (a text field is open) hands the screen every key
// but Ctrl-C, so typing "q" or "2" into a filter does not quit or switch steps. Registered in layout
// effects (during the commit, not after it): the key after one that opened this screen finds it ready.
import { createContext, useContext, useLayoutEffect, useRef } from 'react';
import type { KeyHandler, KeyHint } from '../keys.js';

export interface ScreenKeys {
  handler: KeyHandler | undefined;
  capturing: boolean;
  setHints(hints: KeyHint[]): void;
}

export const ScreenKeysContext = createContext<{ current: ScreenKeys } | undefined>(undefined);

export function useScreenKeys(handler: KeyHandler, hints: KeyHint[], capturing = false): void {
  const slot = useContext(ScreenKeysContext);
  const latest = useRef(handler);
  latest.current = handler;
  const hintsKey = JSON.stringify(hints);
  useLayoutEffect(() => {
    if (!slot) return;
    slot.current.handler = (input, key) => latest.current(input, key);
    return () => {
      slot.current.handler = undefined;
    };
  }, [slot]);
  useLayoutEffect(() => {
    if (!slot) return;
    slot.current.capturing = capturing;
    return () => {
      slot.current.capturing = false;
    };
  }, [slot, capturing]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: hintsKey stands for hints' content
  useLayoutEffect(() => {
    slot?.current.setHints(hints);
  }, [slot, hintsKey]);
}
