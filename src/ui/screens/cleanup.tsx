// Cleanup: one key tears everything down (the bucket emptied, exported first when asked, the stack
// deleted). On AWS a second key confirms; on the local cloud it runs at once. Progress as in Deploy; at the
// end, what was deleted and what remains.
import { Box } from 'ink';
import { type Line, Lines, lineText, plain, wrapped } from '../components/lines.js';
import { StackProgressPanel } from '../components/stack-progress.js';
import { count, plural } from '../format.js';
import { useScreenKeys } from '../hooks/use-screen-keys.js';
import { useStore } from '../hooks/use-store.js';
import type { KeyHint } from '../keys.js';
import { SYMBOLS, statusTone } from '../theme.js';
import type { ScreenProps } from './props.js';

export function CleanupScreen({ session, width, height }: ScreenProps) {
  const state = useStore(session.store);
  const controller = session.cleanup;
  const view = useStore(controller.store);
  const stack = state.stack;
  const aws = state.target?.kind === 'aws';
  const buckets = stack?.pipeline?.buckets;
  const bucketWords = buckets?.length ? buckets.map((b) => `s3://${b}`).join(', ') : 'its bucket';
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
  const status = stack ? stack.status : result ? 'deleted' : 'none';
  const where = state.target ? ` · ${state.target.description}` : '';
  const first: Line = [
    { text: 'Stack ' },
    { text: state.stackName, bold: true },
    { text: ': ' },
    { text: status, tone: stack ? statusTone(stack.status) : 'muted' },
    { text: where, tone: 'muted' },
  ];
  const top: Line[] =
    lineText(first).length <= width ? [first] : wrapped(lineText(first), width, undefined, '  ');
  const before: Line[] = [];
  if (!view.progress && stack) {
    before.push(
      ...wrapped(
        `d deletes everything the stack made: every object in ${bucketWords}, then the stack and its ${count(session.template?.resources.length ?? 0)} resources.`,
        width,
      ),
      ...wrapped(
        `Export first: ${view.exporting ? 'on' : 'off'} (e toggles; objects are copied to a new folder under ${session.exportRoot ?? 'the state folder'} before deleting)`,
        width,
        undefined,
        '  ',
      ),
      ...(aws
        ? wrapped(
            `${SYMBOLS.warn} This is AWS account ${state.target?.identity?.account}: d asks you to confirm.`,
            width,
            'warn',
          )
        : wrapped(
            state.target?.kind === 'local'
              ? 'This is the local cloud: d deletes at once.'
              : `This is the endpoint ${state.target?.endpoint ?? state.target?.description ?? ''}: d deletes at once.`,
            width,
            'muted',
          )),
    );
  }
  const confirm: Line[] = view.confirming
    ? wrapped(
        `Delete stack ${state.stackName} and every object in ${bucketWords}, in AWS account ${state.target?.identity?.account} (${state.target?.region})? y deletes, any other key cancels.`,
        width,
        'warn',
      )
    : [];
  const after: Line[] = [];
  if (result) {
    after.push(
      ...wrapped(
        `${SYMBOLS.done} Deleted: stack ${state.stackName}, its ${plural(result.deletedResources.length, 'resource')}${result.bucket ? ` and ${plural(result.deletedObjects, 'object')} from s3://${result.bucket}` : ''}.`,
        width,
        'ok',
        '  ',
      ),
    );
    if (result.deletedResources.length)
      after.push(...wrapped(`  ${result.deletedResources.join(', ')}`, width, 'muted', '  '));
    if (result.remaining.length) {
      after.push(plain('What remains:'));
      for (const line of result.remaining) after.push(...wrapped(`  - ${line}`, width, undefined, '    '));
    } else after.push(plain('Nothing remains.'));
    after.push(plain('Deploy (1) starts again from scratch.', 'muted'));
  }
  const none =
    !stack && !view.progress
      ? wrapped(`There is no stack ${state.stackName} here: nothing to delete.`, width, 'muted')
      : [];
  const progressRows = Math.max(
    3,
    height -
      top.length -
      before.length -
      confirm.length -
      after.length -
      (after.length ? 1 : 0) -
      none.length,
  );
  return (
    <Box flexDirection="column">
      <Lines lines={top} />
      {before.length ? (
        <Box marginTop={1}>
          <Lines lines={before} />
        </Box>
      ) : null}
      <Lines lines={confirm} />
      {view.progress ? (
        <StackProgressPanel
          progress={view.progress}
          width={width}
          height={progressRows}
          running={view.running}
        />
      ) : null}
      {after.length ? (
        <Box marginTop={1}>
          <Lines lines={after} />
        </Box>
      ) : null}
      <Lines lines={none} />
    </Box>
  );
}
