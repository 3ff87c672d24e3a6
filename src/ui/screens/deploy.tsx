// Deploy: the template's parameters (editable, checked as typed, showing the stack's live values once it
// exists) beside its resources or, once deployed, its outputs; an update says what it changes and waits
// for y; while an operation runs, its live progress CDK-style ([done/total], resources in progress,
// elapsed), failure reasons pinned. Below 100 columns the side column goes under the parameters.
import { Box, Text } from 'ink';
import { useState } from 'react';
import { type Line, Lines, plain, windowed, wrapped } from '../components/lines.js';
import { StackProgressPanel } from '../components/stack-progress.js';
import { wrappedLines } from '../components/wrapped.js';
import { duration } from '../format.js';
import { useScreenKeys } from '../hooks/use-screen-keys.js';
import { useStore } from '../hooks/use-store.js';
import { type KeyHint, typeInto } from '../keys.js';
import type { Confirmation, DeployController, DeployView, FieldView } from '../state/deploy.js';
import type { WizardSession } from '../state/session.js';
import { SYMBOLS, statusTone, type Tone } from '../theme.js';
import type { ScreenProps } from './props.js';

const BLOCKED = /^(ROLLBACK_COMPLETE|ROLLBACK_FAILED|DELETE_FAILED|UPDATE_ROLLBACK_FAILED)$/;
/** Below this many columns the side column (resources, outputs) goes under the parameters. */
export const WIDE = 100;

export function DeployScreen({ session, width, height }: ScreenProps) {
  const controller = session.deployment;
  if (!controller) return <Text>Loading the template…</Text>;
  return <Deploy session={session} controller={controller} width={width} height={height} />;
}

/** The stack's line: its status and reason, and how the last operation ended. */
function statusLines(session: WizardSession, view: DeployView, width: number): Line[] {
  const state = session.store.get();
  const stack = state.stack;
  const status = stack === null ? 'not deployed yet' : (stack?.status ?? 'unknown');
  const line: Line = [
    { text: 'Stack ' },
    { text: state.stackName, bold: true },
    { text: ': ' },
    { text: status, tone: stack ? statusTone(stack.status) : 'muted' },
  ];
  const p = view.progress;
  if (p?.finishedAt && p.outcome && p.outcome !== 'failed' && !view.running) {
    line.push(
      p.outcome === 'unchanged'
        ? { text: ' · nothing to update', tone: 'muted' }
        : { text: ` · ${SYMBOLS.done} ${p.outcome} in ${duration(p.finishedAt - p.startedAt)}`, tone: 'ok' },
    );
  }
  const lines = [line];
  if (stack?.reason) lines.push(...wrapped(`(${stack.reason})`, width, 'muted', '  '));
  // The whole line must fit: a long stack name or status wraps as words, never cut.
  const text = line.map((s) => s.text).join('');
  return [...text].length <= width ? lines : [...wrapped(text, width), ...lines.slice(1)];
}

/** Failure reasons of the last operation, pinned in full (wrapped). */
function failureLines(view: DeployView, width: number): Line[] {
  const p = view.progress;
  if (!p || view.running || p.outcome !== 'failed') {
    if (p?.error && !view.running && p.outcome === undefined) {
      return wrapped(`${SYMBOLS.failed} Not deployed: ${p.error}`, width, 'bad', '  ');
    }
    return [];
  }
  return [
    ...p.failures.flatMap((f) =>
      wrapped(`${SYMBOLS.failed} ${f.logicalId} ${f.status}: ${f.reason ?? ''}`, width, 'bad', '  '),
    ),
    ...(p.error ? wrapped(p.error, width, 'bad', '  ') : []),
  ];
}

/** What an update (or a create on AWS) will do, and the keys that answer. */
function confirmLines(confirm: Confirmation, session: WizardSession, width: number): Line[] {
  const state = session.store.get();
  const lines: Line[] = [];
  if (confirm.kind === 'create') {
    const account = state.target?.identity.account ?? '?';
    lines.push(
      ...wrapped(
        `Create stack ${state.stackName} in AWS account ${account} (${state.target?.region})? Its resources cost money until Cleanup deletes them.`,
        width,
        'warn',
      ),
    );
  } else {
    lines.push(plain(`Update stack ${state.stackName}?`, 'warn', true));
  }
  if (confirm.parameters.length) {
    lines.push(plain('Parameters:', undefined, true));
    for (const c of confirm.parameters) {
      lines.push(
        ...wrapped(
          `  ${c.key}: ${c.from === '' ? '(empty)' : c.from} -> ${c.to === '' ? '(empty)' : c.to}`,
          width,
          undefined,
          '      ',
        ),
      );
    }
  } else if (confirm.kind === 'update') {
    lines.push(plain('No parameter changed: the template as it is now is deployed again.', 'muted'));
  }
  if (confirm.changes) {
    lines.push(plain('Resources:', undefined, true));
    if (confirm.changes.length === 0) lines.push(plain('  none change', 'muted'));
    for (const c of confirm.changes) {
      const replaced = c.replacement === 'True' || c.replacement === 'Conditional';
      const text = `  ${c.action} ${c.logicalId} (${c.type})${
        replaced
          ? c.replacement === 'True'
            ? ': replaced by a new one (what it holds is lost)'
            : ': may be replaced by a new one'
          : ''
      }`;
      lines.push(...wrapped(text, width, replaced ? 'warn' : undefined, '    '));
    }
  }
  for (const w of confirm.warnings) lines.push(...wrapped(`${SYMBOLS.warn} ${w}`, width, 'warn', '  '));
  const verb = confirm.kind === 'create' ? 'creates it' : 'updates it';
  lines.push(plain(`y ${verb} · n or Esc cancels`, 'accent', true));
  return lines;
}

/** The parameter table's lines: a label column, the value wrapped in the rest, problems under a row. */
function parameterLines(
  fields: FieldView[],
  selected: number,
  draft: string | undefined,
  width: number,
): { lines: Line[]; selectedAt: number } {
  const labelWidth = Math.max(...fields.map((f) => f.field.label.length), 4);
  const valueWidth = Math.max(8, width - 2 - labelWidth - 1);
  const lines: Line[] = [];
  let selectedAt = 0;
  fields.forEach((f, i) => {
    const isSelected = i === selected;
    const isEditing = isSelected && draft !== undefined;
    if (isSelected) selectedAt = lines.length;
    const value = isEditing ? `${draft}▌` : f.shown === '' ? '(empty)' : f.shown;
    const valueLines = wrappedLines(`${value}${f.edited && !isEditing ? ' (edited)' : ''}`, valueWidth);
    const rowTone: Tone | undefined = isSelected ? 'accent' : undefined;
    valueLines.forEach((v, j) => {
      const label =
        j === 0
          ? `${isSelected ? '› ' : '  '}${f.field.label.padEnd(labelWidth)} `
          : ' '.repeat(2 + labelWidth + 1);
      const empty = f.shown === '' && !isEditing;
      lines.push([
        { text: label, ...(rowTone ? { tone: rowTone, bold: true } : {}) },
        { text: v, ...(empty ? { tone: 'muted' as Tone } : rowTone ? { tone: rowTone, bold: true } : {}) },
      ]);
    });
    if (f.problem && (isSelected || f.edited)) {
      lines.push(...wrapped(`    ${SYMBOLS.failed} ${f.problem}`, width, 'bad', '      '));
    }
  });
  return { lines, selectedAt };
}

/** The selected parameter's description and constraints, from the template. */
function describe(field: FieldView | undefined, withDefault = true): string {
  if (!field) return '';
  const d = field.field.declaration;
  const parts = [typeof d.Description === 'string' ? d.Description : ''];
  if (withDefault && field.field.default !== undefined)
    parts.push(`Default: ${field.field.default === '' ? '(empty)' : field.field.default}.`);
  return parts.filter(Boolean).join(' ');
}

/** The side column: the resources before a deploy, the outputs after (those the parameters do not show). */
function sideLines(session: WizardSession, fields: FieldView[], width: number, wide: boolean): Line[] {
  const stack = session.store.get().stack;
  const resources = session.template?.resources ?? [];
  const outputs = Object.entries(stack?.outputs ?? {}).filter(([, v]) => v !== undefined) as Array<
    [string, string]
  >;
  if (outputs.length === 0) {
    if (!wide)
      return wrapped(`Resources (${resources.length}): ${resources.map((r) => r.id).join(', ')}`, width);
    const idWidth = Math.max(...resources.map((r) => r.id.length), 4);
    const typed = resources.every((r) => idWidth + 1 + r.type.length <= width);
    return [
      plain(`Resources (${resources.length})`, undefined, true),
      ...resources.map(
        (r): Line =>
          typed ? [{ text: `${r.id.padEnd(idWidth)} ` }, { text: r.type, tone: 'muted' }] : plain(r.id),
      ),
    ];
  }
  // Outputs that only repeat a parameter shown on the left (StreamName = StreamName) are left out.
  const shown = new Map(fields.map((f) => [f.field.key, f.value]));
  const own = wide ? outputs : outputs.filter(([k, v]) => shown.get(k) !== v);
  const keyWidth = Math.max(...own.map(([k]) => k.length), 4);
  const same = outputs.filter(([k]) => !own.some(([o]) => o === k)).map(([k]) => k);
  const lines: Line[] = [
    [
      { text: 'Outputs', bold: true },
      ...(same.length ? [{ text: ` · also ${same.join(', ')}, as above`, tone: 'muted' as Tone }] : []),
    ],
  ];
  for (const [k, v] of own) {
    if (wide) {
      lines.push(plain(k, 'muted'), ...wrapped(v, width - 2).map((l) => plain(`  ${l[0]?.text ?? ''}`)));
    } else {
      const valueLines = wrappedLines(v, Math.max(8, width - keyWidth - 3));
      valueLines.forEach((l, j) => {
        lines.push([
          { text: j === 0 ? `  ${k.padEnd(keyWidth)} ` : ' '.repeat(keyWidth + 3), tone: 'muted' },
          { text: l },
        ]);
      });
    }
  }
  return lines;
}

function Deploy({ session, controller, width, height }: ScreenProps & { controller: DeployController }) {
  const state = useStore(session.store);
  const view = useStore(controller.store);
  const [selected, setSelected] = useState(0);
  const [draft, setDraft] = useState<string | undefined>(undefined);
  const stack = state.stack;
  const blocked = Boolean(stack && BLOCKED.test(stack.status));
  const editing = draft !== undefined;
  const confirming = view.confirm !== undefined;
  const field = view.fields[selected];

  const hints: KeyHint[] = confirming
    ? [
        { keys: 'y', does: view.confirm?.kind === 'create' ? 'create' : 'update' },
        { keys: 'n/Esc', does: 'cancel' },
      ]
    : editing
      ? [
          { keys: 'Enter', does: 'keep' },
          { keys: 'Esc', does: 'undo' },
        ]
      : view.running
        ? []
        : [
            { keys: '↑/↓', does: 'parameter' },
            { keys: 'e', does: 'edit' },
            ...(blocked
              ? [{ keys: 'r', does: 'delete and deploy again' }]
              : [{ keys: 'Enter', does: stack ? 'update' : 'deploy' }]),
          ];

  useScreenKeys(
    (input, key) => {
      if (confirming) {
        if (input === 'y') controller.respond(true);
        else if (input === 'n' || key.escape) controller.respond(false);
        return true;
      }
      if (editing && field) {
        if (key.escape) {
          controller.undo(field.field.key);
          setDraft(undefined);
        } else if (key.return) setDraft(undefined);
        else {
          // The store, not this render's draft: several keys can arrive before the next render.
          const current = controller.store.get().fields[selected]?.value ?? draft;
          const next = typeInto(current, input, key);
          if (next !== current) {
            setDraft(next);
            controller.edit(field.field.key, next);
          }
        }
        return true;
      }
      if (view.running) return false;
      controller.clearNotice();
      const last = view.fields.length - 1;
      if (key.upArrow) setSelected((i) => Math.max(0, i - 1));
      else if (key.downArrow) setSelected((i) => Math.min(last, i + 1));
      else if (key.home || key.pageUp) setSelected(0);
      else if (key.end || key.pageDown) setSelected(last);
      else if (input === 'e' && field) setDraft(field.value);
      else if (key.return && !blocked) void controller.deploy();
      else if (input === 'r' && blocked) void controller.deploy(true);
      else return false;
      return true;
    },
    hints,
    editing || confirming,
  );

  const top: Line[] = [...statusLines(session, view, width)];
  if (blocked) {
    top.push(
      ...wrapped(
        `${SYMBOLS.warn} CloudFormation can only delete a stack in ${stack?.status}: r empties its bucket, deletes it and deploys again.`,
        width,
        'warn',
        '  ',
      ),
    );
  }
  if (view.notice) top.push(...wrapped(view.notice, width, 'warn'));
  // Made, says the target, but not there: say what will not work (an endpoint that partly implements AWS).
  const problems = !view.running ? (stack?.pipeline?.problems ?? []) : [];
  if (problems.length) {
    top.push(
      ...wrapped(
        `${SYMBOLS.failed} ${stack?.status}, but ${state.target?.description ?? 'this target'} did not make everything it reports; the pipeline will not work as deployed:`,
        width,
        'bad',
        '  ',
      ),
      ...problems.flatMap((p) => wrapped(`  - ${p}`, width, 'bad', '    ')),
    );
  }

  if (view.running && view.progress && !confirming) {
    return (
      <Box flexDirection="column">
        <Lines lines={top} />
        <StackProgressPanel progress={view.progress} width={width} height={height - top.length} running />
      </Box>
    );
  }
  top.push(...failureLines(view, width));
  if (view.confirm) {
    const lines = confirmLines(view.confirm, session, width);
    return (
      <Box flexDirection="column">
        <Lines lines={top} />
        <Box marginTop={1}>
          <Lines lines={windowed(lines, Math.max(1, height - top.length - 1), lines.length - 1)} />
        </Box>
      </Box>
    );
  }

  const wide = width >= WIDE;
  // The table takes what its labels and values need (values wrap past that); the side column the rest.
  const labelWidth = Math.max(...view.fields.map((f) => f.field.label.length), 4);
  const valueWidth = Math.max(24, ...view.fields.map((f) => f.shown.length + ' (edited)'.length));
  const tableWidth = wide ? Math.min(width - 28, 2 + labelWidth + 1 + valueWidth) : width;
  const sideWidth = wide ? width - tableWidth - 2 : width;
  const invalid = view.fields.filter((f) => f.problem).length;
  const title: Line = [
    { text: 'Parameters', bold: true },
    ...(invalid ? [{ text: ` (${invalid} invalid)`, tone: 'bad' as Tone }] : []),
  ];
  const table = parameterLines(view.fields, selected, draft, tableWidth);
  const side = sideLines(session, view.fields, sideWidth, wide);
  const full = wrappedLines(describe(field), tableWidth).map((l) => plain(l, 'muted'));
  const brief = wrappedLines(describe(field, false), tableWidth).map((l) => plain(l, 'muted'));

  // Rows under the top lines and a gap: the table's title and rows, the description (up to 2 lines), and
  // in a narrow terminal a gap and the side column. What does not fit gives way in that order: the
  // description, then the side column (cut to what is left, saying so), then the table scrolls.
  const rows = Math.max(2, height - top.length - 1) - 1;
  // The description whole, or without its default, or not at all: never a sentence cut in two.
  const fits = (lines: Line[]) => table.lines.length + lines.length + (wide ? 0 : side.length + 1) <= rows;
  const description = full.length <= 2 && fits(full) ? full : brief.length <= 2 && fits(brief) ? brief : [];
  let descriptionRows = description.length;
  const sideNeed = wide ? 0 : side.length + 1;
  while (table.lines.length + descriptionRows + sideNeed > rows && descriptionRows > 0) descriptionRows--;
  let sideRows = wide ? rows + 1 : Math.min(side.length, rows - table.lines.length - descriptionRows - 1);
  if (!wide && sideRows < 2) sideRows = 0;
  const tableRows = Math.max(1, rows - descriptionRows - (wide || sideRows === 0 ? 0 : sideRows + 1));
  const left = (
    <Box flexDirection="column" width={tableWidth}>
      <Lines
        lines={[
          title,
          ...windowed(table.lines, tableRows, table.selectedAt),
          ...description.slice(0, descriptionRows),
        ]}
      />
    </Box>
  );
  const sideShown =
    side.length > sideRows && sideRows > 0
      ? [
          ...side.slice(0, sideRows - 1),
          plain(`… ${side.length - sideRows + 1} more lines (a taller terminal shows them)`, 'muted'),
        ]
      : side;
  return (
    <Box flexDirection="column">
      <Lines lines={top} />
      {wide ? (
        <Box marginTop={1}>
          {left}
          <Box flexDirection="column" marginLeft={2} width={sideWidth}>
            <Lines lines={sideShown} />
          </Box>
        </Box>
      ) : (
        <Box flexDirection="column" marginTop={1}>
          {left}
          {sideRows > 0 ? (
            <Box marginTop={1}>
              <Lines lines={sideShown} />
            </Box>
          ) : null}
        </Box>
      )}
    </Box>
  );
}
