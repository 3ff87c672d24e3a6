// Colours by meaning. Nothing on screen depends on colour alone (symbols and words carry the meaning), so
// with NO_COLOR (https://no-color.org) every colour is dropped and the screens still read.

export type Tone = 'ok' | 'bad' | 'warn' | 'accent' | 'muted' | 'busy';

const TONES: Record<Tone, string> = {
  ok: 'green',
  bad: 'red',
  warn: 'yellow',
  accent: 'cyan',
  muted: 'gray',
  busy: 'blue',
};

/** NO_COLOR set to anything non-empty turns colours off. */
export function colorsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env.NO_COLOR;
}

const enabled = colorsEnabled();

/** The colour for a tone, or undefined with NO_COLOR. */
export function tone(name: Tone): string | undefined {
  return enabled ? TONES[name] : undefined;
}

/** The tone of a CloudFormation status. */
export function statusTone(status: string | undefined): Tone {
  if (!status) return 'muted';
  if (/FAILED|ROLLBACK/.test(status)) return 'bad';
  if (/IN_PROGRESS/.test(status)) return 'busy';
  if (/COMPLETE/.test(status)) return 'ok';
  return 'muted';
}

export const SYMBOLS = {
  done: '✔',
  failed: '✖',
  pending: '○',
  current: '›',
  warn: '!',
  arrow: '>',
} as const;
