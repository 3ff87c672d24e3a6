// What the commands that follow a stack operation (deploy, teardown) print as it goes, and how they end
// when it fails or a Ctrl-C stops the following.
import { type StackEventLine, StackFailure, type StackUpdate } from '../pipeline/stack.js';
import { EXIT } from './exit-codes.js';
import type { Output } from './output.js';

export function eventLine(event: StackEventLine, done: number, total: number): string {
  const isStack = event.type === 'AWS::CloudFormation::Stack';
  const head = isStack ? `stack ${event.logicalId}` : `[${done}/${total}] ${event.logicalId}`;
  return `${head} ${event.status}${event.reason && event.reason !== 'User Initiated' ? `: ${event.reason}` : ''}`;
}

export function reportStackUpdate(out: Output, update: StackUpdate): void {
  if (update.type === 'phase') out.event('phase', { message: update.message }, update.message);
  else if (update.type === 'changes') {
    out.event(
      'changes',
      { changes: update.changes },
      update.changes.length === 0
        ? 'change set: no resource changes'
        : [
            `change set: ${update.changes.length} resource change(s)`,
            ...update.changes.map(
              (c) =>
                `  ${c.action} ${c.logicalId} (${c.type})${c.replacement && c.action === 'Modify' ? `, replacement: ${c.replacement}` : ''}`,
            ),
          ],
    );
  } else {
    const { event, done, total } = update;
    out.event(
      'stack-event',
      {
        logicalId: event.logicalId,
        resourceType: event.type,
        status: event.status,
        ...(event.reason ? { reason: event.reason } : {}),
        time: event.time.toISOString(),
        done,
        total,
      },
      eventLine(event, done, total),
    );
  }
}

/**
 * How a command that followed a stack operation ends when the operation threw: the failed resources one a
 * line (with their reasons), then the failure (exit 3); or, when a Ctrl-C stopped the following,
 * `interrupted` saying where things stand (exit 130). Anything else is rethrown for runCommand.
 */
export function endStackOperation(
  out: Output,
  error: unknown,
  follow: AbortSignal,
  interrupted: string,
): number {
  if (error instanceof StackFailure && error.failures.length > 0) {
    out.event(
      'failures',
      {
        failures: error.failures.map((f) => ({
          logicalId: f.logicalId,
          status: f.status,
          reason: f.reason,
          ...(f.path ? { path: f.path } : {}),
        })),
      },
      ['failed:', ...error.failures.map((f) => `  ${f.logicalId} ${f.status}: ${f.reason}`)],
    );
  }
  if (follow.aborted) {
    out.event('interrupted', {}, interrupted);
    return EXIT.interrupted;
  }
  if (error instanceof StackFailure) {
    out.error(error.summary, EXIT.target);
    return EXIT.target;
  }
  throw error;
}
