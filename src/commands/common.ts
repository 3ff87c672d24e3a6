// What every pipeline command shares: target options, opening and closing the target, Ctrl-C, errors
// mapped to exit codes, and asking before changing things on real AWS.
import { setMaxListeners } from 'node:events';
import { createInterface } from 'node:readline/promises';
import { InputError, messageOf, TargetError } from '../config/errors.js';
import { checkStackName, DEFAULT_STACK_NAME } from '../config/names.js';
import { openTarget, type Target, type TargetOptions } from '../config/target.js';
import { describeStack, FollowInterrupted, followStack } from '../pipeline/stack.js';
import { EXIT } from './exit-codes.js';
import { createOutput, type Output } from './output.js';

export interface CommonOptions {
  aws?: boolean;
  profile?: string;
  region?: string;
  endpointUrl?: string;
  dataDir?: string;
  ephemeral?: boolean;
  stackName?: string;
  json?: boolean;
  yes?: boolean;
  /** Tests: local cloud settings. */
  localCloud?: TargetOptions['localCloud'];
}

/** Ctrl-C: the first asks the command to stop gracefully, the second to stop now. */
export interface Interrupts {
  /** Aborted on the first Ctrl-C (or SIGTERM). */
  stop: AbortSignal;
  /** Aborted on the second. */
  abort: AbortSignal;
}

export interface CommandContext {
  target: Target;
  out: Output;
  stackName: string;
  interrupts: Interrupts;
  options: CommonOptions;
}

function installInterrupts(onFirst: () => void): { interrupts: Interrupts; remove(): void } {
  const stop = new AbortController();
  const abort = new AbortController();
  // Many SDK calls at once listen on these; Node's warning past 10 would be noise on the user's screen.
  setMaxListeners(0, stop.signal, abort.signal);
  const handler = () => {
    if (!stop.signal.aborted) {
      stop.abort();
      onFirst();
    } else abort.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    interrupts: { stop: stop.signal, abort: abort.signal },
    remove() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/**
 * What ends following a stack operation. CloudFormation on AWS or an endpoint carries on without us, so
 * the first Ctrl-C stops following; the local cloud stops with this command, so leaving would cut its
 * operation short: there the first Ctrl-C waits for the operation to finish and only a second stops at once.
 */
export function followSignal(target: Target, interrupts: Interrupts): AbortSignal {
  return target.kind === 'local' ? interrupts.abort : interrupts.stop;
}

/** The first Ctrl-C's notice for a command that follows a stack operation (see `followSignal`). */
export function interruptNotice(out: Output, local: boolean): void {
  out.info(
    local
      ? 'finishing the stack operation first: the local cloud stops with this command (Ctrl-C again to stop at once)'
      : 'interrupted: finishing what is in progress (Ctrl-C again to stop now)',
  );
}

/** An AWS SDK service error (it has HTTP metadata): the target answered, and refused. */
function isServiceError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && '$metadata' in error && '$fault' in error;
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof InputError) return EXIT.usage;
  if (error instanceof FollowInterrupted) return EXIT.interrupted;
  if (error instanceof TargetError || isServiceError(error)) return EXIT.target;
  const code = (error as { code?: string }).code ?? '';
  if (/^(ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EPIPE)$/.test(code)) return EXIT.target;
  return EXIT.failure;
}

export function describeError(error: unknown): string {
  if (isServiceError(error)) return `${(error as Error).name}: ${messageOf(error)}`;
  return messageOf(error);
}

/** Asks a yes/no question on the terminal; without one, refuses unless --yes was given. */
export async function confirm(question: string, options: CommonOptions): Promise<boolean> {
  if (options.yes) return true;
  if (!process.stdin.isTTY || options.json) {
    throw new InputError(`${question.replace(/\?$/, '')}: pass --yes to confirm without a terminal`);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/**
 * The local cloud finishes a stack operation its last stop interrupted (rolls back a create or update,
 * goes on with a delete) in the background once it starts. Wait for that first, so the command sees the
 * stack as it ends up, and a short command does not stop the local cloud again before it is done.
 */
async function settleInterrupted(target: Target, stackName: string, out: Output, interrupts: Interrupts) {
  const cf = target.clients.cloudformation;
  const stack = await describeStack(cf, stackName);
  if (!stack || !/_IN_PROGRESS$/.test(stack.status)) return;
  const doing = /^DELETE/.test(stack.status)
    ? 'finishing the delete'
    : /CLEANUP/.test(stack.status)
      ? 'finishing its cleanup'
      : 'rolling back';
  out.event(
    'recovering',
    { stackName, status: stack.status },
    `stack ${stackName} was interrupted when the local cloud last stopped (${stack.status}): ${doing} first`,
  );
  await followStack(cf, stack.id, new Date(), 0, { signal: interrupts.abort, pollMs: 500 });
}

/** Opens the target, runs the command, closes the target (stopping a local cloud), maps errors to exit codes. */
export async function runCommand(
  command: string,
  options: CommonOptions,
  body: (context: CommandContext) => Promise<number>,
  hooks: {
    /** Checks made before the target is opened (input errors should not wait for a local cloud). */
    check?: () => void;
    onInterrupt?: (out: Output) => void;
  } = {},
): Promise<number> {
  const onInterrupt =
    hooks.onInterrupt ??
    ((o: Output) => o.info('interrupted: finishing what is in progress (Ctrl-C again to stop now)'));
  const out = createOutput(command, Boolean(options.json));
  let target: Target | undefined;
  const { interrupts, remove } = installInterrupts(() => onInterrupt(out));
  try {
    const stackName = checkStackName(options.stackName ?? DEFAULT_STACK_NAME);
    hooks.check?.();
    target = await openTarget({
      ...(options.aws ? { aws: true } : {}),
      ...(options.profile ? { profile: options.profile } : {}),
      ...(options.region ? { region: options.region } : {}),
      ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.ephemeral ? { ephemeral: true } : {}),
      ...(options.localCloud ? { localCloud: options.localCloud } : {}),
    });
    out.event(
      'target',
      {
        kind: target.kind,
        region: target.region,
        account: target.identity.account,
        ...(target.endpoint ? { endpoint: target.endpoint } : {}),
        ...(target.profile ? { profile: target.profile } : {}),
        ...(target.dataDir ? { dataDir: target.dataDir } : {}),
        stackName,
      },
      `target: ${target.description}; stack ${stackName}`,
    );
    if (target.kind === 'local') await settleInterrupted(target, stackName, out, interrupts);
    const code = await body({ target, out, stackName, interrupts, options });
    out.result(code);
    return code;
  } catch (error) {
    const code = exitCodeOf(error);
    out.error(describeError(error), code);
    out.result(code);
    return code;
  } finally {
    remove();
    await target?.close().catch(() => undefined);
  }
}
