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

type Stack = SessionState['stack'];

/** Discovery found a stream (or, before it has looked, our template's output names one). */
function hasStream(stack: Stack): boolean {
  return stack?.pipeline ? stack.pipeline.streams.length > 0 : Boolean(stack?.outputs.StreamName);
}

/** A bucket to read: a delivery stream's destination, a bucket of the stack, or our output. */
export function hasBucket(stack: Stack): boolean {
  const p = stack?.pipeline;
  return p ? p.deliveryStreams.length > 0 || p.buckets.length > 0 : Boolean(stack?.outputs.BucketName);
}

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
        : hasStream(stack)
          ? undefined
          : 'the stack has no Kinesis stream',
    verify: !connected
      ? notConnected
      : !ready
        ? 'deploy the stack first'
        : hasBucket(stack)
          ? undefined
          : 'the stack has no delivery stream writing to S3, and no bucket',
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
