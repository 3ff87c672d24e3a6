// Cleanup: one key tears everything down (the bucket emptied, exported first when asked, the stack
// deleted). On AWS a second key confirms; on the local cloud it runs at once. Progress as in Deploy; at the
// end, what was deleted and what remains.
import { Box, Text } from 'ink';
import { StackProgressPanel } from '../components/stack-progress.js';
import { count } from '../format.js';
import { useScreenKeys } from '../hooks/use-screen-keys.js';
import { useStore } from '../hooks/use-store.js';
import type { KeyHint } from '../keys.js';
import { SYMBOLS, statusTone, tone } from '../theme.js';
import type { ScreenProps } from './props.js';

export function CleanupScreen({ session, width, height }: ScreenProps) {
  const state = useStore(session.store);
  const controller = session.cleanup;
  const view = useStore(controller.store);
  const stack = state.stack;
  const aws = state.target?.kind === 'aws';
  const canDelete = Boolean(stack) && !view.running;

  const hints: KeyHint[] = view.confirming
    ? [
        { keys: 'y', does: 'delete' },
        { keys: 'any other key', does: 'cancel' },
      ]
    : canDelete
      ? [
          { keys: 'd', does: aws ? 'delete (asks to confirm)' : 'delete' },
          { keys: 'e', does: `export first ${view.exporting ? 'off' : 'on'}` },
        ]
      : [];

  useScreenKeys(
    (input) => {
      if (view.confirming) {
        if (input === 'y') controller.confirm();
        else controller.cancel();
        return true;
      }
      if (!canDelete) return false;
      if (input === 'd') controller.request();
      else if (input === 'e') controller.toggleExport();
      else return false;
      return true;
    },
    hints,
    view.confirming,
  );

  const result = view.result;
  return (
    <Box flexDirection="column">
      <Text>
        Stack <Text bold>{state.stackName}</Text>:{' '}
        <Text color={tone(stack ? statusTone(stack.status) : 'muted')}>
          {stack ? stack.status : result ? 'deleted' : 'none'}
        </Text>
        {state.target ? <Text color={tone('muted')}> · {state.target.description}</Text> : null}
      </Text>
      {!view.progress && stack ? (
        <Box flexDirection="column" marginTop={1}>
          <Text>
            d deletes everything the stack made: every object in its bucket, then the stack and its{' '}
            {count(session.template?.resources.length ?? 0)} resources.
          </Text>
          <Text>
            Export first: <Text bold>{view.exporting ? 'on' : 'off'}</Text>
            <Text color={tone('muted')}>
              {' '}
              (e toggles; objects are copied to {session.exportRoot ?? 'the state folder'}/… before deleting)
            </Text>
          </Text>
          {aws ? (
            <Text color={tone('warn')}>
              {SYMBOLS.warn} This is AWS account {state.target?.identity?.account}: d asks you to confirm.
            </Text>
          ) : (
            <Text color={tone('muted')}>This is the local cloud: d deletes at once.</Text>
          )}
        </Box>
      ) : null}
      {view.confirming ? (
        <Text color={tone('warn')} bold>
          Delete stack {state.stackName} and every object in its bucket, in AWS account{' '}
          {state.target?.identity?.account} ({state.target?.region})? y deletes, any other key cancels.
        </Text>
      ) : null}
      {view.progress ? (
        <StackProgressPanel
          progress={view.progress}
          width={width}
          height={height - 2 - (result ? 5 + result.remaining.length : 0)}
          running={view.running}
        />
      ) : null}
      {result ? (
        <Box flexDirection="column" marginTop={1}>
          <Text color={tone('ok')} wrap="truncate">
            {SYMBOLS.done} Deleted: stack {state.stackName}, its {count(result.deletedResources.length)}{' '}
            resources
            {result.bucket ? ` and ${count(result.deletedObjects)} objects from s3://${result.bucket}` : ''}.
          </Text>
          {result.deletedResources.length ? (
            <Text color={tone('muted')} wrap="truncate">
              {'  '}
              {result.deletedResources.join(', ')}
            </Text>
          ) : null}
          {result.remaining.length ? (
            <>
              <Text>What remains:</Text>
              {result.remaining.map((line) => (
                <Text key={line} wrap="truncate">
                  {'  '}- {line}
                </Text>
              ))}
            </>
          ) : (
            <Text>Nothing remains.</Text>
          )}
          <Text color={tone('muted')}>Deploy (1) starts again from scratch.</Text>
        </Box>
      ) : null}
      {!stack && !view.progress ? (
        <Text color={tone('muted')}>There is no stack {state.stackName} here: nothing to delete.</Text>
      ) : null}
    </Box>
  );
}
