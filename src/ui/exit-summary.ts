// What the wizard prints once it has left the alternate screen: the last frame is gone with it, so a few
// lines say where things were left (the stack, and on AWS that it still costs), what this session sent,
// and the commands that pick up from there. Pure.
import { count, plural } from './format.js';
import type { SessionState } from './state/session.js';

/** How the wizard ended, beyond q: Ctrl-C, a signal (its name), or a crash (the message). */
export type Ending =
  | { kind: 'quit' }
  | { kind: 'interrupt' }
  | { kind: 'signal'; signal: string }
  | { kind: 'crash'; message: string };

export function exitSummary(state: SessionState, ending: Ending, logPath?: string): string[] {
  const lines: string[] = [];
  const how =
    ending.kind === 'interrupt'
      ? 'interrupted (Ctrl-C)'
      : ending.kind === 'signal'
        ? `stopped by ${ending.signal}`
        : ending.kind === 'crash'
          ? `stopped by an unexpected error: ${ending.message}`
          : 'quit';
  lines.push(`kinesis-tui: ${how}.`);
  const target = state.target;
  const stack = state.stack;
  const aws = target?.kind === 'aws';
  const options = aws
    ? ` --aws --region ${target.region}${target.profile ? ` --profile ${target.profile}` : ''}`
    : target?.kind === 'endpoint'
      ? ` --endpoint-url ${target.endpoint}`
      : target?.dataDir
        ? ` --data-dir ${target.dataDir}`
        : '';
  const where = !target
    ? ''
    : aws
      ? `in AWS account ${target.identity.account} (${target.region})`
      : target.kind === 'local'
        ? `in the local cloud's data dir${target.dataDir ? ` ${target.dataDir}` : ''}`
        : `at ${target.endpoint ?? 'the endpoint'}`;
  if (!target) {
    lines.push(
      state.connection === 'failed'
        ? `The target could not be opened: ${state.error ?? 'no reason given'}`
        : 'Nothing was opened.',
    );
  } else if (stack) {
    const after = aws
      ? ', where its resources cost money until deleted'
      : target.kind === 'local'
        ? ' (kept while the local cloud is stopped; the next run starts it again)'
        : '';
    lines.push(`Stack ${stack.name} is ${stack.status} ${where}${after}.`);
  } else if (stack === null) {
    lines.push(`No stack ${state.stackName} ${where}.`);
  }
  const sent = state.sent;
  if (sent.sent > 0) {
    lines.push(
      `This session sent ${plural(sent.sent, 'event')}: ${count(sent.acknowledged)} acknowledged${sent.failed ? `, ${count(sent.failed)} given up` : ''}.`,
    );
  }
  if (target && stack) {
    lines.push(
      `Next: \`kinesis-tui${options}\` (the wizard), \`kinesis-tui verify${options}\`, or \`kinesis-tui teardown${options}\` to delete it.`,
    );
  }
  if (ending.kind === 'crash' && logPath) lines.push(`Details: ${logPath}`);
  return lines;
}
