// The stack: find it, create it, update it through a change set, delete it, and follow its events.
// Progress goes to an `onUpdate` callback; an AbortSignal stops following (CloudFormation carries on).
import {
  type Capability,
  type Change,
  type CloudFormationClient,
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  type DescribeChangeSetCommandOutput,
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  type Stack,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { TargetError } from '../config/errors.js';
import type { ParameterInput } from '../template/parameters.js';
import type { LoadedTemplate } from './template.js';
import {
  failureLine,
  type ValidationFailure,
  validationAdvice,
  validationFailures,
} from './validation-events.js';

export interface StackEventLine {
  id: string;
  time: Date;
  logicalId: string;
  type: string;
  status: string;
  reason?: string;
  physicalId?: string;
  /** Where in the template a pre-deployment validation failure is (`/Resources/Stream/Properties/..`). */
  path?: string;
}

export interface ResourceChange {
  action: string;
  logicalId: string;
  type: string;
  /** True, False or Conditional (CloudFormation's words) for modifications. */
  replacement?: string;
}

export type StackUpdate =
  | { type: 'phase'; message: string }
  | { type: 'changes'; changes: ResourceChange[] }
  /** A stack event; `done` of `total` resources have finished. */
  | { type: 'event'; event: StackEventLine; done: number; total: number };

export interface PipelineOutputs {
  StreamName?: string;
  StreamArn?: string;
  BucketName?: string;
  DeliveryStreamName?: string;
  FunctionName?: string;
  DeliveredPrefix?: string;
  ErrorPrefix?: string;
  [key: string]: string | undefined;
}

export interface StackState {
  name: string;
  id: string;
  status: string;
  reason?: string;
  outputs: PipelineOutputs;
  parameters: Record<string, string>;
}

export interface FollowOptions {
  signal?: AbortSignal;
  onUpdate?: (update: StackUpdate) => void;
  /** Poll interval, ms (default 1000). */
  pollMs?: number;
}

const TERMINAL = /_COMPLETE$|_FAILED$/;
const SETTLED = /(CREATE|UPDATE|DELETE|IMPORT)_COMPLETE$|ROLLBACK_COMPLETE$|_FAILED$/;

function isNotFound(error: unknown): boolean {
  const message = (error as Error).message ?? '';
  return (error as Error).name === 'ValidationError' && /does not exist/.test(message);
}

function toState(stack: Stack): StackState {
  const outputs: PipelineOutputs = {};
  for (const o of stack.Outputs ?? []) if (o.OutputKey) outputs[o.OutputKey] = o.OutputValue ?? '';
  const parameters: Record<string, string> = {};
  for (const p of stack.Parameters ?? [])
    if (p.ParameterKey) parameters[p.ParameterKey] = p.ParameterValue ?? '';
  return {
    name: stack.StackName ?? '',
    id: stack.StackId ?? '',
    status: stack.StackStatus ?? 'UNKNOWN',
    ...(stack.StackStatusReason ? { reason: stack.StackStatusReason } : {}),
    outputs,
    parameters,
  };
}

/** The stack by name or id, or undefined when there is none (deleted stacks count as none by name). */
export async function describeStack(
  cf: CloudFormationClient,
  nameOrId: string,
): Promise<StackState | undefined> {
  try {
    const out = await cf.send(new DescribeStacksCommand({ StackName: nameOrId }));
    const stack = out.Stacks?.[0];
    if (!stack || stack.StackStatus === 'DELETE_COMPLETE') return undefined;
    return toState(stack);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The stack and the outputs the pipeline commands need, or a message saying to deploy first. */
export async function requireStack(cf: CloudFormationClient, name: string): Promise<StackState> {
  const stack = await describeStack(cf, name);
  if (!stack) {
    throw new TargetError(
      `there is no stack "${name}" here: run \`kinesis-tui deploy\` first (or pass --stack-name)`,
    );
  }
  return stack;
}

function toLine(e: StackEvent): StackEventLine {
  return {
    id: e.EventId ?? `${e.LogicalResourceId}-${e.Timestamp?.toISOString()}-${e.ResourceStatus}`,
    time: e.Timestamp ?? new Date(),
    logicalId: e.LogicalResourceId ?? '',
    type: e.ResourceType ?? '',
    status: e.ResourceStatus ?? '',
    ...(e.ResourceStatusReason ? { reason: e.ResourceStatusReason } : {}),
    ...(e.PhysicalResourceId ? { physicalId: e.PhysicalResourceId } : {}),
  };
}

/** Events newer than `since` not yet in `seen`, oldest first (DescribeStackEvents pages newest first). */
async function newEvents(
  cf: CloudFormationClient,
  stackId: string,
  since: Date,
  seen: Set<string>,
  signal?: AbortSignal,
) {
  const fresh: StackEventLine[] = [];
  let token: string | undefined;
  pages: do {
    const page = await cf.send(new DescribeStackEventsCommand({ StackName: stackId, NextToken: token }), {
      ...(signal ? { abortSignal: signal } : {}),
    });
    for (const event of page.StackEvents ?? []) {
      const line = toLine(event);
      if (line.time.getTime() < since.getTime() - 1000 || seen.has(line.id)) break pages;
      fresh.push(line);
    }
    token = page.NextToken;
  } while (token);
  fresh.reverse();
  for (const line of fresh) seen.add(line.id);
  return fresh;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export class FollowInterrupted extends Error {
  override name = 'FollowInterrupted';
}

export interface FollowResult {
  stack: StackState | undefined;
  /** Resource events that failed, with their reasons: the ones worth pinning. */
  failures: StackEventLine[];
  events: StackEventLine[];
}

/**
 * Follows a stack's events from `since` until the stack settles, reporting each with a done/total count.
 * Resolves with the settled stack (undefined once deleted) and the failures seen.
 */
export async function followStack(
  cf: CloudFormationClient,
  stackId: string,
  since: Date,
  total: number,
  options: FollowOptions = {},
): Promise<FollowResult> {
  const seen = new Set<string>();
  const finished = new Set<string>();
  const failures: StackEventLine[] = [];
  const events: StackEventLine[] = [];
  const stackName = stackId;
  const signal = options.signal;
  // Stopping at once means not waiting for a call in flight either (a slow or stuck endpoint).
  const interrupted = (error: unknown): never => {
    if (signal?.aborted) throw new FollowInterrupted('stopped following the stack');
    throw error;
  };
  while (true) {
    if (signal?.aborted) throw new FollowInterrupted('stopped following the stack');
    for (const event of await newEvents(cf, stackId, since, seen, signal).catch(interrupted)) {
      events.push(event);
      const isStack = event.type === 'AWS::CloudFormation::Stack';
      if (!isStack && TERMINAL.test(event.status)) finished.add(event.logicalId);
      if (/_FAILED$/.test(event.status) && event.reason && !/cancelled/i.test(event.reason))
        failures.push(event);
      options.onUpdate?.({ type: 'event', event, done: Math.min(finished.size, total), total });
    }
    let stack: StackState | undefined;
    try {
      const out = await cf.send(new DescribeStacksCommand({ StackName: stackName }), {
        ...(signal ? { abortSignal: signal } : {}),
      });
      stack = out.Stacks?.[0] ? toState(out.Stacks[0]) : undefined;
    } catch (error) {
      if (!isNotFound(error)) interrupted(error);
      stack = undefined;
    }
    if (!stack || (SETTLED.test(stack.status) && !/IN_PROGRESS/.test(stack.status))) {
      // One last look: the final events can land after the status changes.
      for (const event of await newEvents(cf, stackId, since, seen).catch(() => [])) {
        events.push(event);
        if (event.type !== 'AWS::CloudFormation::Stack' && TERMINAL.test(event.status))
          finished.add(event.logicalId);
        if (/_FAILED$/.test(event.status) && event.reason && !/cancelled/i.test(event.reason))
          failures.push(event);
        options.onUpdate?.({ type: 'event', event, done: Math.min(finished.size, total), total });
      }
      return { stack: stack?.status === 'DELETE_COMPLETE' ? undefined : stack, failures, events };
    }
    await sleep(options.pollMs ?? 1000, options.signal);
  }
}

export interface DeployOptions extends FollowOptions {
  stackName: string;
  template: LoadedTemplate;
  /** From `deployParameters`: checked, with previous values kept on update. */
  parameters: (previous?: Record<string, string>) => ParameterInput[];
  capabilities?: Capability[];
  /** Delete a stack that cannot be updated (ROLLBACK_COMPLETE, DELETE_FAILED) and create it anew. */
  replace?: boolean;
  /** Empties the bucket before a --replace delete (teardown's job; passed in to keep this module small). */
  beforeDelete?: (stack: StackState) => Promise<void>;
  /**
   * Asked before an update's change set is executed, with what it changes and the warnings of
   * CloudFormation's pre-deployment validation: false deletes the change set and changes nothing.
   */
  confirm?: (plan: UpdatePlan) => Promise<boolean>;
}

/** What an update's change set would do. */
export interface UpdatePlan {
  changes: ResourceChange[];
  warnings: string[];
}

export interface DeployResult {
  /** `cancelled`: the update was not confirmed (the change set was deleted, nothing changed). */
  action: 'created' | 'updated' | 'unchanged' | 'cancelled';
  stack: StackState;
  changes: ResourceChange[];
  failures: StackEventLine[];
}

/** Thrown when the stack did not reach the state asked for; carries the failures to pin. */
export class StackFailure extends TargetError {
  override name = 'StackFailure';
  /** The message without the failure reasons, for output that already showed them one a line. */
  readonly summary: string;
  constructor(
    message: string,
    readonly status: string,
    readonly failures: StackEventLine[],
    summary?: string,
  ) {
    super(message);
    this.summary = summary ?? message;
  }
}

/** Pre-deployment validation failures as lines to pin (status VALIDATION_FAILED, the reason with its path). */
function validationLines(failures: readonly ValidationFailure[]): StackEventLine[] {
  const time = new Date();
  return failures.map((f, i) => ({
    id: `validation-${i}-${f.logicalId}-${f.path ?? ''}`,
    time,
    logicalId: f.logicalId,
    type: f.resourceType,
    status: f.mode === 'WARN' ? 'VALIDATION_WARNING' : 'VALIDATION_FAILED',
    reason: f.path ? `${f.reason.replace(/\.$/, '')} (at ${f.path})` : f.reason,
    ...(f.path ? { path: f.path } : {}),
  }));
}

/**
 * The failure of an operation CloudFormation's pre-deployment validation stopped: each problem (resource,
 * path into the template, reason) and what to do. `extra` is advice for the state it left.
 */
export function validationFailure(
  head: string,
  status: string,
  failures: readonly ValidationFailure[],
  extra = '',
): StackFailure {
  const advice = `${validationAdvice(failures)}${extra ? ` ${extra}` : ''}`;
  return new StackFailure(
    `${head}: ${failures.map(failureLine).join('; ')}. ${advice}`,
    status,
    validationLines(failures),
    `${head}: ${failures.length} problem(s), listed above. ${advice}`,
  );
}

/** An update whose change set pre-deployment validation failed (warnings left out: they did not stop it). */
export function changeSetRefused(
  stackName: string,
  status: string,
  failures: readonly ValidationFailure[],
): StackFailure {
  return validationFailure(
    `the change set for "${stackName}" failed CloudFormation's pre-deployment validation, so nothing was changed`,
    status,
    failures.filter((f) => f.mode !== 'WARN'),
  );
}

function reasonsOf(failures: StackEventLine[]): string {
  return failures.map((f) => `${f.logicalId} ${f.status}: ${(f.reason ?? '').replace(/\.$/, '')}`).join('; ');
}

/** "(STATUS): reasons. advice" and "(STATUS): N resources failed (above). advice". */
function failure(head: string, status: string, failures: StackEventLine[], advice: string): StackFailure {
  const tail = advice ? ` ${advice}` : '';
  return new StackFailure(
    `${head} (${status})${failures.length ? `: ${reasonsOf(failures)}.` : '.'}${tail}`,
    status,
    failures,
    `${head} (${status})${failures.length ? `: ${failures.length} resource(s) failed, reasons above.` : '.'}${tail}`,
  );
}

/**
 * Why a create was rolled back, in CloudFormation's words: the reason on the stack's ROLLBACK_IN_PROGRESS
 * event (a stack in ROLLBACK_COMPLETE carries no reason of its own). Best effort: undefined if unreadable.
 */
export async function rollbackReason(cf: CloudFormationClient, stackId: string): Promise<string | undefined> {
  try {
    // Newest first: the rollback's own events (a few per resource) come before the event that started it.
    let token: string | undefined;
    for (let pages = 0; pages < 5; pages++) {
      const page = await cf.send(new DescribeStackEventsCommand({ StackName: stackId, NextToken: token }));
      const started = page.StackEvents?.find(
        (e) => e.ResourceType === 'AWS::CloudFormation::Stack' && e.ResourceStatus === 'ROLLBACK_IN_PROGRESS',
      );
      if (started) {
        const reason = (started.ResourceStatusReason ?? '').replace(/\s*Rollback requested by user\.?$/, '');
        return reason.replace(/\.$/, '') || undefined;
      }
      token = page.NextToken;
      if (!token) return undefined;
    }
  } catch {
    // The message is still right without the reason.
  }
  return undefined;
}

/** Why a stack in this state cannot be deployed over, and what to do. */
export function blockedMessage(stack: StackState): string | undefined {
  const name = stack.name;
  const why = stack.reason ? ` (${stack.reason})` : '';
  if (stack.status === 'ROLLBACK_COMPLETE' || stack.status === 'ROLLBACK_FAILED') {
    return (
      `stack "${name}" is in ${stack.status}: its creation failed and was rolled back${why}, and CloudFormation ` +
      'only allows deleting it now. Run `kinesis-tui deploy --replace` to delete and recreate it, or `kinesis-tui teardown`.'
    );
  }
  if (stack.status === 'DELETE_FAILED') {
    return (
      `stack "${name}" is in DELETE_FAILED: an earlier delete could not remove everything${why}. ` +
      'Run `kinesis-tui teardown` (it empties the bucket first), or `kinesis-tui deploy --replace`.'
    );
  }
  if (/IN_PROGRESS$/.test(stack.status)) {
    return `stack "${name}" is busy (${stack.status}): wait for it to finish (\`kinesis-tui status\` shows where it is), then try again.`;
  }
  if (stack.status === 'UPDATE_ROLLBACK_FAILED') {
    return `stack "${name}" is in UPDATE_ROLLBACK_FAILED${why}: continue the rollback in the CloudFormation console, or run \`kinesis-tui deploy --replace\`.`;
  }
  return undefined;
}

function changeLines(out: DescribeChangeSetCommandOutput): ResourceChange[] {
  return (out.Changes ?? [])
    .map((c: Change) => c.ResourceChange)
    .filter((c) => c !== undefined)
    .map((c) => ({
      action: c.Action ?? '',
      logicalId: c.LogicalResourceId ?? '',
      type: c.ResourceType ?? '',
      ...(c.Replacement ? { replacement: c.Replacement } : {}),
    }));
}

const NO_CHANGES = /didn't contain changes|No updates are to be performed|no changes/i;

/** Deletes a stack and follows it to DELETE_COMPLETE; a DELETE_FAILED becomes a StackFailure. */
export async function deleteStack(cf: CloudFormationClient, stack: StackState, options: FollowOptions = {}) {
  const resources = await cf.send(new DescribeStackResourcesCommand({ StackName: stack.id }));
  const total = resources.StackResources?.length ?? 0;
  const since = new Date();
  options.onUpdate?.({ type: 'phase', message: `deleting stack ${stack.name} (${total} resources)` });
  await cf.send(new DeleteStackCommand({ StackName: stack.id }));
  const result = await followStack(cf, stack.id, since, total, options);
  if (result.stack) {
    const bucket = result.failures.some((f) => /not empty/i.test(f.reason ?? ''));
    throw failure(
      `stack "${stack.name}" was not deleted`,
      result.stack.status,
      result.failures,
      bucket
        ? 'Empty the bucket first: `kinesis-tui teardown` does that, then deletes the stack.'
        : 'Fix what the reason names, then run `kinesis-tui teardown` again.',
    );
  }
  return result;
}

/** Creates the stack, or updates it through a change set; follows its events to the end. */
export async function deployStack(cf: CloudFormationClient, options: DeployOptions): Promise<DeployResult> {
  const capabilities = options.capabilities ?? ['CAPABILITY_IAM'];
  let existing = await describeStack(cf, options.stackName);
  if (existing && /^ROLLBACK_(COMPLETE|FAILED)$/.test(existing.status) && !existing.reason) {
    // Say why the create failed: the next run after an interruption must explain what it finds, however
    // far the local cloud's rollback had got when this run looked.
    const reason = await rollbackReason(cf, existing.id);
    if (reason) existing = { ...existing, reason };
  }
  if (existing) {
    const blocked = blockedMessage(existing);
    if (blocked && !(options.replace && !/IN_PROGRESS$/.test(existing.status))) {
      throw new StackFailure(blocked, existing.status, []);
    }
    if (blocked || options.replace) {
      await options.beforeDelete?.(existing);
      await deleteStack(cf, existing, options);
      existing = undefined;
    }
  }
  if (!existing) {
    const parameters = options.parameters();
    options.onUpdate?.({ type: 'phase', message: `creating stack ${options.stackName}` });
    const since = new Date();
    const created = await cf.send(
      new CreateStackCommand({
        StackName: options.stackName,
        TemplateBody: options.template.body,
        Parameters: parameters,
        Capabilities: capabilities,
      }),
    );
    const stackId = created.StackId ?? options.stackName;
    const result = await followStack(cf, stackId, since, options.template.resources.length, options);
    if (result.stack?.status !== 'CREATE_COMPLETE') {
      const status = result.stack?.status ?? 'DELETED';
      const replace =
        status === 'ROLLBACK_COMPLETE'
          ? 'Then run `kinesis-tui deploy --replace` (a rolled-back stack can only be deleted).'
          : '';
      // No resource failed: CreateStack's pre-deployment validation may have stopped it before any was made.
      if (result.failures.length === 0) {
        const found = await validationFailures(cf, {
          stackId,
          ...(created.OperationId ? { operationId: created.OperationId } : {}),
        });
        if (found.kind === 'found' && found.failures.length > 0) {
          throw validationFailure(
            `stack "${options.stackName}" was not created (${status}): it failed CloudFormation's pre-deployment validation`,
            status,
            found.failures,
            replace,
          );
        }
      }
      throw failure(
        `stack "${options.stackName}" was not created`,
        status,
        result.failures,
        status === 'ROLLBACK_COMPLETE'
          ? 'Fix the cause, then run `kinesis-tui deploy --replace` (a rolled-back stack can only be deleted).'
          : '',
      );
    }
    return { action: 'created', stack: result.stack, changes: [], failures: result.failures };
  }

  const parameters = options.parameters(existing.parameters);
  const changeSetName = `kinesis-tui-${Date.now()}`;
  options.onUpdate?.({ type: 'phase', message: `creating change set ${changeSetName}` });
  try {
    await cf.send(
      new CreateChangeSetCommand({
        StackName: existing.id,
        ChangeSetName: changeSetName,
        ChangeSetType: 'UPDATE',
        TemplateBody: options.template.body,
        Parameters: parameters,
        Capabilities: capabilities,
      }),
    );
  } catch (error) {
    // Some endpoints (moto) refuse the change set itself when nothing would change, as UpdateStack does.
    if (NO_CHANGES.test((error as Error).message ?? ''))
      return { action: 'unchanged', stack: existing, changes: [], failures: [] };
    throw error;
  }
  let described: DescribeChangeSetCommandOutput;
  while (true) {
    described = await cf.send(
      new DescribeChangeSetCommand({ StackName: existing.id, ChangeSetName: changeSetName }),
    );
    if (described.Status === 'CREATE_COMPLETE' || described.Status === 'FAILED') break;
    if (options.signal?.aborted) throw new FollowInterrupted('stopped while the change set was being made');
    await sleep(options.pollMs ?? 1000, options.signal);
  }
  if (described.Status === 'FAILED') {
    const unchanged = NO_CHANGES.test(described.StatusReason ?? '');
    // Read before the change set is deleted: its events are looked up by its name.
    const found = unchanged
      ? undefined
      : await validationFailures(cf, { stackId: existing.id, changeSetName });
    await cf
      .send(new DeleteChangeSetCommand({ StackName: existing.id, ChangeSetName: changeSetName }))
      .catch(() => undefined);
    if (unchanged) return { action: 'unchanged', stack: existing, changes: [], failures: [] };
    if (found?.kind === 'found' && found.failures.some((f) => f.mode !== 'WARN')) {
      throw changeSetRefused(options.stackName, existing.status, found.failures);
    }
    const unavailable = found?.kind === 'unavailable' && /EarlyValidation/.test(described.StatusReason ?? '');
    throw new StackFailure(
      `the change set for "${options.stackName}" failed: ${described.StatusReason ?? 'no reason given'}${unavailable ? ` (no details: ${found.why})` : ''}`,
      existing.status,
      [],
    );
  }
  const changes = changeLines(described);
  options.onUpdate?.({ type: 'changes', changes });
  // WARN-mode checks (a bucket the update deletes still holds objects) do not stop the change set: say so
  // before executing it.
  const checked = await validationFailures(cf, { stackId: existing.id, changeSetName });
  const warnings =
    checked.kind === 'found' ? checked.failures.filter((f) => f.mode === 'WARN').map(failureLine) : [];
  for (const warning of warnings) {
    options.onUpdate?.({
      type: 'phase',
      message: `warning from CloudFormation's pre-deployment validation: ${warning}`,
    });
  }
  if (options.confirm && !(await options.confirm({ changes, warnings }))) {
    await cf
      .send(new DeleteChangeSetCommand({ StackName: existing.id, ChangeSetName: changeSetName }))
      .catch(() => undefined);
    return { action: 'cancelled', stack: existing, changes, failures: [] };
  }
  const since = new Date();
  await cf.send(new ExecuteChangeSetCommand({ StackName: existing.id, ChangeSetName: changeSetName }));
  const result = await followStack(cf, existing.id, since, Math.max(1, changes.length), options);
  if (result.stack?.status !== 'UPDATE_COMPLETE') {
    throw failure(
      `stack "${options.stackName}" was not updated`,
      result.stack?.status ?? 'DELETED',
      result.failures,
      'The previous version was restored; fix the cause and deploy again.',
    );
  }
  return { action: 'updated', stack: result.stack, changes, failures: result.failures };
}
