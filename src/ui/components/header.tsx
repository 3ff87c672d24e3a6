import { wrap } from '../format.js';
import type { SessionState } from '../state/session.js';
import { statusTone } from '../theme.js';
import { type Line, Lines } from './lines.js';

/** Where we are, in words: "local cloud 127.0.0.1:4566", "AWS 123456789012 (profile dev)", "endpoint URL". */
export function targetLabel(state: SessionState, short = false): string {
  const t = state.target;
  if (!t) return state.connection === 'failed' ? 'no target' : 'starting…';
  if (t.kind === 'local') {
    return short ? 'local cloud' : `local cloud ${t.endpoint?.replace(/^https?:\/\//, '') ?? ''}`.trim();
  }
  if (t.kind === 'aws')
    return `AWS ${t.identity.account}${t.profile && !short ? ` (profile ${t.profile})` : ''}`;
  return short
    ? `endpoint ${t.endpoint ?? ''}`
    : `endpoint ${t.endpoint ?? ''} · account ${t.identity.account}`;
}

export function stackLabel(state: SessionState): string {
  if (state.stack === null) return 'not deployed';
  if (state.stack === undefined) return state.stackError ? 'unknown' : '…';
  return state.stack.status;
}

/** A piece of the header and how it is drawn: a piece of a screen's line. */
type HeaderPart = Line[number];

const width = (parts: readonly HeaderPart[]) => parts.reduce((n, p) => n + [...p.text].length, 0);

/**
 * The header's lines for a width: everything on one line when it fits; else the name of the app goes,
 * then the target is said shorter; when even that does not fit (a long stack name), the stack goes on a
 * line of its own, and its status under it if need be. Parts are never cut. Pure.
 */
export function headerLines(state: SessionState, columns: number): HeaderPart[][] {
  const region = state.target ? ` · ${state.target.region}` : '';
  const stack: HeaderPart[] = [
    { text: `stack ${state.stackName} ` },
    { text: stackLabel(state), tone: state.stack ? statusTone(state.stack.status) : 'muted' },
  ];
  const brand: HeaderPart = { text: 'kinesis-tui  ', tone: 'accent', bold: true };
  const where = (short: boolean): HeaderPart => ({ text: `${targetLabel(state, short)}${region} · ` });
  const candidates: HeaderPart[][] = [
    [brand, where(false), ...stack],
    [where(false), ...stack],
    [where(true), ...stack],
  ];
  for (const line of candidates) if (width(line) <= columns) return [line];
  const first = { text: `${targetLabel(state, true)}${region}` };
  if (width(stack) <= columns) return [[first], stack];
  // A stack name too long for the line beside its status: the status under it, the name broken (after a
  // separator, as identifiers are) only when it alone is wider than the terminal.
  const [, status] = stack as [HeaderPart, HeaderPart];
  const name = wrap(`stack ${state.stackName}`, columns).map((text): HeaderPart[] => [{ text }]);
  return [[first], ...name, [status]];
}

export function Header({ state, columns }: { state: SessionState; columns: number }) {
  return <Lines lines={headerLines(state, columns)} />;
}
