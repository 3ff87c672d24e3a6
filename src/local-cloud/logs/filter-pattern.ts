// CloudWatch Logs text filter patterns: `ERROR`, `ERROR Exception` (both), `"Task timed out"` (a phrase),
// `?ERROR ?WARN` (either), `ERROR -Retrying` (without). Matching is case-sensitive and by substring, as AWS
// matches unstructured events. JSON (`{ $.x = 1 }`) and space-delimited (`[a, b]`) patterns are refused with
// a message saying so rather than matched wrongly.
import { ServiceError } from '../protocol/common.js';

export interface TextPattern {
  /** Every one must occur. */
  all: string[];
  /** At least one must occur, when any are given. */
  any: string[];
  /** None may occur. */
  none: string[];
}

function tokens(pattern: string): string[] {
  const found: string[] = [];
  const re = /([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g;
  for (const match of pattern.matchAll(re)) {
    const [, sign = '', quoted, bare] = match;
    const term = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (bare ?? '');
    if (term !== '') found.push(sign + term);
  }
  return found;
}

export function parseFilterPattern(pattern: string | undefined): TextPattern {
  const text = (pattern ?? '').trim();
  if (text.startsWith('{') || text.startsWith('[')) {
    throw new ServiceError(
      'InvalidParameterException',
      'The local cloud matches text filter patterns (terms, "quoted phrases", ?either, -without); ' +
        'JSON and space-delimited patterns are not evaluated here.',
    );
  }
  const parsed: TextPattern = { all: [], any: [], none: [] };
  for (const token of tokens(text)) {
    if (token.startsWith('?') && token.length > 1) parsed.any.push(token.slice(1));
    else if (token.startsWith('-') && token.length > 1) parsed.none.push(token.slice(1));
    else parsed.all.push(token);
  }
  return parsed;
}

export function matchesPattern(pattern: TextPattern, message: string): boolean {
  if (!pattern.all.every((term) => message.includes(term))) return false;
  if (pattern.any.length > 0 && !pattern.any.some((term) => message.includes(term))) return false;
  return !pattern.none.some((term) => message.includes(term));
}
