// The four steps and when each can start. Pure: the App and the step bar derive everything from the
// session's state.
import type { SessionState } from './state/session.js';

export const STEPS = [
  { id: 'deploy', label: 'Deploy' },
  { id: 'stream', label: 'Stream' },
  { id: 'verify', label: 'Verify' },
  { id: 'cleanup', label: 'Cleanup' },
] as const;

export type StepId = (typeof STEPS)[number]['id'];

export interface StepState {
  id: StepId;
  label: string;
  number: number;
  /** Can be opened now. */
  reachable: boolean;
  /** Why not, when it cannot. */
  why?: string;
  done: boolean;
}

const READY = /^(CREATE_COMPLETE|UPDATE_COMPLETE|UPDATE_ROLLBACK_COMPLETE)$/;

export function stepStates(state: SessionState): StepState[] {
  const stack = state.stack;
  const connected = state.connection === 'ready';
  const ready = Boolean(stack && READY.test(stack.status));
  const notConnected = state.connection === 'failed' ? 'the target could not be opened' : 'connecting';
  const reach: Record<StepId, string | undefined> = {
    deploy: connected ? undefined : notConnected,
    stream: !connected
      ? notConnected
      : !ready
        ? 'deploy the stack first'
        : stack?.outputs.StreamName
          ? undefined
          : 'the stack has no StreamName output: deploy again',
    verify: !connected
      ? notConnected
      : !ready
        ? 'deploy the stack first'
        : stack?.outputs.BucketName
          ? undefined
          : 'the stack has no BucketName output: deploy again',
    cleanup: !connected
      ? notConnected
      : stack || state.done.cleanup
        ? undefined
        : 'there is no stack to delete',
  };
  return STEPS.map((step, i) => ({
    id: step.id,
    label: step.label,
    number: i + 1,
    reachable: reach[step.id] === undefined,
    ...(reach[step.id] ? { why: reach[step.id] } : {}),
    done: state.done[step.id],
  }));
}

/** The next (or previous) reachable step from `from`, wrapping around; `from` itself when none other is. */
export function cycleStep(states: StepState[], from: StepId, direction: 1 | -1): StepId {
  const index = states.findIndex((s) => s.id === from);
  for (let i = 1; i <= states.length; i++) {
    const candidate = states[(index + direction * i + states.length * 2) % states.length];
    if (candidate?.reachable) return candidate.id;
  }
  return from;
}
