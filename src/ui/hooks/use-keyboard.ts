// The wizard's one reader of the keyboard. Every key is kept and handled in the order it was typed: a read
// holding several keys (typed fast, or pasted) is taken apart (input.ts) and handed over one key at a time,
// each after React has drawn what the one before did (a key that opens a step is followed by keys for
// that step); keys the wizard cannot take yet (the local cloud still starting) are held until it can.
// Ctrl-C goes first, whatever is queued.
import { useInput, useStdin } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type Keystroke, keystrokes } from '../input.js';
import { isCtrlC } from '../keys.js';

/** What became of a key: handled (or ignored on purpose), or to be kept until `resume`. */
export type Routed = 'done' | 'hold';

export interface Keyboard {
  /** Keys held, waiting for the wizard to be able to take them. */
  held: number;
  /** Hands the held keys over again (call when what held them changed). */
  resume(): void;
}

export function useKeyboard(route: (keystroke: Keystroke) => Routed, onCtrlC: () => void): Keyboard {
  const { isRawModeSupported } = useStdin();
  const queue = useRef<Keystroke[]>([]);
  const draining = useRef(false);
  const [held, setHeld] = useState(0);
  // Bumped after each key handed over: the effect below hands over the next one once React has committed
  // the render that key caused (with the screens' keys registered in it).
  const [turn, setTurn] = useState(0);
  const latest = useRef({ route, onCtrlC });
  latest.current = { route, onCtrlC };

  const next = useCallback(() => {
    const key = queue.current[0];
    if (!key) {
      draining.current = false;
      setHeld(0);
      return;
    }
    if (latest.current.route(key) === 'hold') {
      draining.current = false;
      setHeld(queue.current.length);
      return;
    }
    queue.current.shift();
    setHeld((n) => (n > 0 ? queue.current.length : 0));
    if (queue.current.length > 0) setTurn((t) => t + 1);
    else draining.current = false;
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new turn is what runs it
  useEffect(() => {
    if (draining.current && queue.current.length > 0) next();
  }, [turn, next]);

  const onInput = useCallback(
    (input: string, key: Parameters<Parameters<typeof useInput>[0]>[1]) => {
      const keys = keystrokes(input, key);
      if (keys.some((k) => isCtrlC(k.input, k.key))) {
        queue.current = [];
        latest.current.onCtrlC();
        return;
      }
      queue.current.push(...keys);
      if (!draining.current) {
        draining.current = true;
        next();
      }
    },
    [next],
  );
  useInput(onInput, { isActive: isRawModeSupported });

  const resume = useCallback(() => {
    if (draining.current || queue.current.length === 0) return;
    draining.current = true;
    setTurn((t) => t + 1);
  }, []);

  return { held, resume };
}
