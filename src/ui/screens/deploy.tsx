// Deploy: the template's parameters (editable, checked as typed) and resources, then the deploy's live
// progress CDK-style ([done/total], resources in progress, elapsed), failure reasons pinned, outputs.
import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import { StackProgressPanel } from '../components/stack-progress.js';
import { clip } from '../format.js';
import { useScreenKeys } from '../hooks/use-screen-keys.js';
import { useStore } from '../hooks/use-store.js';
import { type KeyHint, typeInto } from '../keys.js';
import type { DeployController } from '../state/deploy.js';
import { SYMBOLS, statusTone, tone } from '../theme.js';
import type { ScreenProps } from './props.js';

const BLOCKED = /^(ROLLBACK_COMPLETE|ROLLBACK_FAILED|DELETE_FAILED|UPDATE_ROLLBACK_FAILED)$/;

export function DeployScreen({ session, width, height }: ScreenProps) {
  const controller = session.deployment;
  if (!controller) return <Text>Loading the template…</Text>;
  return <Deploy session={session} controller={controller} width={width} height={height} />;
}

function Deploy({ session, controller, width, height }: ScreenProps & { controller: DeployController }) {
  const state = useStore(session.store);
  const view = useStore(controller.store);
  const [selected, setSelected] = useState(0);
  const [draft, setDraft] = useState<string | undefined>(undefined);
  const stack = state.stack;
  const blocked = Boolean(stack && BLOCKED.test(stack.status));
  const editing = draft !== undefined;
  const field = view.fields[selected];
  const showProgress =
    view.running || (view.progress !== undefined && !view.progress.error?.startsWith('Parameter'));

  useEffect(() => {
    if (stack?.parameters) controller.setCurrent(stack.parameters);
  }, [controller, stack?.parameters]);

  const hints: KeyHint[] = editing
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
      if (key.upArrow) setSelected((i) => Math.max(0, i - 1));
      else if (key.downArrow) setSelected((i) => Math.min(view.fields.length - 1, i + 1));
      else if (input === 'e' && field) setDraft(field.value);
      else if (key.return && !blocked) void controller.deploy();
      else if (input === 'r' && blocked) void controller.deploy(true);
      else return false;
      return true;
    },
    hints,
    editing,
  );

  const invalid = view.fields.filter((f) => f.problem).length;
  return (
    <Box flexDirection="column">
      <Text>
        Stack <Text bold>{state.stackName}</Text>:{' '}
        <Text color={tone(stack ? statusTone(stack.status) : 'muted')}>
          {stack === null ? 'not deployed yet' : (stack?.status ?? 'unknown')}
        </Text>
        {stack?.reason ? <Text color={tone('muted')}> ({clip(stack.reason, width - 40)})</Text> : null}
      </Text>
      {blocked ? (
        <Text color={tone('warn')}>
          {SYMBOLS.warn} CloudFormation can only delete a stack in {stack?.status}: r empties its bucket,
          deletes it and deploys again.
        </Text>
      ) : null}
      {view.progress?.error && !view.running && view.progress.outcome === undefined ? (
        <Text color={tone('bad')}>
          {SYMBOLS.failed} Not deployed: {view.progress.error}
        </Text>
      ) : null}
      {showProgress && view.progress ? (
        <StackProgressPanel
          progress={view.progress}
          width={width}
          height={height - 2}
          running={view.running}
        />
      ) : (
        <Box marginTop={1}>
          <Box flexDirection="column" width={Math.floor(width * 0.6)}>
            <Text bold>
              Parameters{invalid ? <Text color={tone('bad')}> ({invalid} invalid)</Text> : null}
            </Text>
            {view.fields.slice(0, Math.max(0, height - 6)).map((f, i) => {
              const isSelected = i === selected;
              const isEditing = isSelected && editing;
              return (
                <Box key={f.field.key} flexDirection="column">
                  <Text {...(isSelected ? { color: tone('accent'), bold: true } : {})} wrap="truncate">
                    {isSelected ? '› ' : '  '}
                    {f.field.label.padEnd(30)} {isEditing ? `${draft}▌` : f.shown}
                    {f.edited && !isEditing ? ' (edited)' : ''}
                  </Text>
                  {f.problem && (isSelected || f.edited) ? (
                    <Text color={tone('bad')} wrap="truncate">
                      {'    '}
                      {SYMBOLS.failed} {f.problem}
                    </Text>
                  ) : null}
                </Box>
              );
            })}
          </Box>
          <Box flexDirection="column">
            <Text bold>Resources ({session.template?.resources.length ?? 0})</Text>
            {(session.template?.resources ?? []).slice(0, Math.max(0, height - 6)).map((r) => (
              <Text key={r.id} wrap="truncate">
                {r.id}
              </Text>
            ))}
          </Box>
        </Box>
      )}
    </Box>
  );
}
