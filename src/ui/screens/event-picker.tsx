// What the stream sends, picked on the Stream screen with t: the built-in e-commerce events, a template
// that comes with kinesis-tui (events/), or a file of your own (its path typed). Each template is checked
// before it can be picked: a bad one shows why, in the template's own terms, and cannot be chosen.
import { Box } from 'ink';
import { useState } from 'react';
import type { TemplateChoice } from '../../pipeline/event-template/bundled.js';
import { type Line, Lines, plain, windowed, wrapped } from '../components/lines.js';
import { clip } from '../format.js';
import { useScreenKeys } from '../hooks/use-screen-keys.js';
import { type KeyHint, typeInto } from '../keys.js';

export interface EventPickerProps {
  /** The templates to offer (checked). */
  templates: readonly TemplateChoice[];
  /** The one sending now (undefined: the built-in events). */
  current: string | undefined;
  width: number;
  height: number;
  /** Checks a file of your own. */
  check: (path: string) => TemplateChoice;
  /** A template picked (undefined: the built-in events). */
  onPick: (template: TemplateChoice | undefined) => void;
  onCancel: () => void;
}

const BUILT_IN = 'built-in e-commerce events (login, view_item, add_to_cart, checkout)';
const OWN = 'a file of your own… (type its path)';

export function EventPicker({
  templates,
  current,
  width,
  height,
  check,
  onPick,
  onCancel,
}: EventPickerProps) {
  const choices = templates;
  // 0: built-in; 1..n: the templates; n+1: a file of your own.
  const [selected, setSelected] = useState(() => {
    const at = choices.findIndex((c) => c.path === current || c.name === current);
    return at >= 0 ? at + 1 : 0;
  });
  const [path, setPath] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const typing = path !== undefined;
  const last = choices.length + 1;
  const chosen = selected >= 1 && selected <= choices.length ? choices[selected - 1] : undefined;

  const hints: KeyHint[] = typing
    ? [
        { keys: 'type', does: 'the path' },
        { keys: 'Enter', does: 'check and use it' },
        { keys: 'Esc', does: 'back' },
      ]
    : [
        { keys: '↑↓', does: 'choose' },
        { keys: 'Enter', does: 'send these' },
        { keys: 'Esc', does: 'keep what is sent' },
      ];

  useScreenKeys(
    (input, key) => {
      if (typing) {
        if (key.escape) setPath(undefined);
        else if (key.return) {
          const file = path.trim();
          if (!file) return true;
          const checked = check(file);
          setPath(undefined);
          if (checked.error) {
            setProblem(`${file}: ${checked.error}`);
          } else {
            setProblem(undefined);
            onPick(checked);
          }
        } else setPath(typeInto(path, input, key));
        return true;
      }
      if (key.escape) onCancel();
      else if (key.upArrow) setSelected((s) => Math.max(0, s - 1));
      else if (key.downArrow) setSelected((s) => Math.min(last, s + 1));
      else if (key.return) {
        if (selected === last) {
          setProblem(undefined);
          setPath('');
        } else if (selected === 0) onPick(undefined);
        else if (chosen?.error) setProblem(`${chosen.name}: ${chosen.error}`);
        else if (chosen) onPick(chosen);
      } else return false;
      return true;
    },
    hints,
    typing,
  );

  const mark = (i: number) => (i === selected ? '› ' : '  ');
  const list: Line[] = [
    plain(
      clip(`${mark(0)}${BUILT_IN}${current === undefined ? ' (sending now)' : ''}`, width),
      selected === 0 ? 'accent' : undefined,
      selected === 0,
    ),
    ...choices.map((c, i) =>
      plain(
        clip(
          `${mark(i + 1)}${c.name}${c.error ? ' (cannot be used: see below)' : c.fields ? `: ${c.fields.join(', ')}` : ''}${c.path === current ? ' (sending now)' : ''}`,
          width,
        ),
        c.error ? 'bad' : i + 1 === selected ? 'accent' : undefined,
        i + 1 === selected,
      ),
    ),
    plain(clip(`${mark(last)}${OWN}`, width), selected === last ? 'accent' : 'muted', selected === last),
  ];
  const detail: Line[] = [
    ...(typing ? [plain(clip(`path: ${path}▌`, width), 'accent')] : []),
    ...(problem ? wrapped(`✖ ${problem}`, width, 'bad', '  ') : []),
    ...(chosen?.error && !problem ? wrapped(`✖ ${chosen.error}`, width, 'bad', '  ') : []),
    ...(chosen?.sample ? wrapped(`sample: ${chosen.sample}`, width, 'muted', '  ') : []),
    ...(chosen?.path ? wrapped(`file: ${chosen.path}`, width, 'muted', '  ') : []),
  ];
  const heading = wrapped(
    'Which events to send (a template writes events in the style of the Kinesis Data Generator: {{faker.*}}, weighted choices, numbers, dates; `stream --events FILE` takes the same). Picking one stops the stream, finishing what is in flight, and starts it again with those.',
    width,
    'muted',
    '  ',
  );
  const room = Math.max(3, height - heading.length - detail.length);
  return (
    <Box flexDirection="column">
      <Lines lines={heading} />
      <Lines lines={windowed(list, room, selected)} />
      <Lines lines={detail} />
    </Box>
  );
}

/** A file checked through `check`, kept among the choices once it is good (shown with the others). */
export function withOwn(templates: readonly TemplateChoice[], extra: TemplateChoice | undefined) {
  return extra && !templates.some((t) => t.path === extra.path) ? [...templates, extra] : templates;
}
