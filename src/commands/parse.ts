// Option values the commands take, parsed without loading the commands themselves: the CLI parses its
// arguments before it knows which command runs, and the wizard's first frame should not wait for the SDK.
import { InputError } from '../config/errors.js';

/** "30s", "2m", "1500ms", "1h" or plain seconds, as milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new InputError(`"${text}" is not a duration: use e.g. 30s, 2m, 1500ms`);
  const n = Number(match[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] ?? 1000;
  if (!(n > 0)) throw new InputError('a duration is above 0');
  return n * unit;
}

/** Events a second: a number above 0, or "max" for as fast as the stream takes them. */
export function parseRate(text: string): number {
  if (text === 'max') return Number.POSITIVE_INFINITY;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw new InputError(`--rate takes events a second above 0, or max; not "${text}"`);
  return n;
}
