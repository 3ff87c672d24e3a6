// `kinesis-tui deploy`: create the stack from cfn/pipeline.yaml, or update it through a change set.
import type { Capability } from '@aws-sdk/client-cloudformation';
import { InputError } from '../config/errors.js';
import { archiveJournal } from '../pipeline/journal.js';
import { deployStack, type StackEventLine, StackFailure, type StackUpdate } from '../pipeline/stack.js';
import { emptyBucket, stackBucket } from '../pipeline/teardown.js';
import { deployParameters, loadTemplate } from '../pipeline/template.js';
import { templateRejection } from '../template/validate.js';
import { type CommonOptions, confirm, followSignal, interruptNotice, runCommand } from './common.js';
import { EXIT } from './exit-codes.js';
import type { Output } from './output.js';

/** The capabilities CloudFormation knows. */
const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'];

export interface DeployCommandOptions extends CommonOptions {
  param?: string[];
  replace?: boolean;
  capabilities?: string[];
  template?: string;
}

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

export function runDeploy(options: DeployCommandOptions): Promise<number> {
  let template: ReturnType<typeof loadTemplate>;
  let local = false;
  return runCommand(
    'deploy',
    options,
    async ({ target, out, stackName, interrupts }) => {
      local = target.kind === 'local';
      const follow = followSignal(target, interrupts);
      if (target.kind === 'aws') {
        const ok = await confirm(
          `Deploy stack ${stackName} to AWS account ${target.identity.account} in ${target.region} (this creates billable resources)?`,
          options,
        );
        if (!ok) {
          out.event('cancelled', {}, 'not deployed');
          return EXIT.ok;
        }
      }
      const cf = target.clients.cloudformation;
      const started = Date.now();
      try {
        const result = await deployStack(cf, {
          stackName,
          template,
          parameters: (previous) => deployParameters(template, options.param ?? [], previous),
          capabilities: (options.capabilities?.length
            ? options.capabilities
            : ['CAPABILITY_IAM']) as Capability[],
          ...(options.replace ? { replace: true } : {}),
          signal: follow,
          pollMs: target.kind === 'aws' ? 3000 : 500,
          onUpdate: (update) => reportStackUpdate(out, update),
          beforeDelete: async (stack) => {
            const bucket = await stackBucket(cf, stack).catch(() => undefined);
            if (bucket) {
              out.event(
                'phase',
                { message: `emptying s3://${bucket}` },
                `emptying s3://${bucket} before the delete`,
              );
              await emptyBucket(target.clients.s3, bucket);
            }
          },
        });
        if (result.action === 'created') {
          // A new stack starts a new journal; the old one (from a stack of the same name) is kept aside.
          const archived = archiveJournal(target.journalPath(stackName));
          if (archived)
            out.event('journal-archived', { path: archived }, `previous journal kept as ${archived}`);
        }
        const verb = { created: 'created', updated: 'updated', unchanged: 'unchanged (no changes)' }[
          result.action
        ];
        out.event(
          'deployed',
          {
            action: result.action,
            stackName,
            stackId: result.stack.id,
            status: result.stack.status,
            outputs: result.stack.outputs,
            seconds: Math.round((Date.now() - started) / 1000),
          },
          [
            `stack ${stackName} ${verb}: ${result.stack.status} in ${Math.round((Date.now() - started) / 1000)} s`,
            'outputs:',
            ...Object.entries(result.stack.outputs).map(([k, v]) => `  ${k.padEnd(20)} ${v}`),
          ],
        );
        return interrupts.stop.aborted ? EXIT.interrupted : EXIT.ok;
      } catch (error) {
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
        if (error instanceof StackFailure && error.failures.length > 0 && !follow.aborted) {
          out.error(error.summary, EXIT.target);
          return EXIT.target;
        }
        if (follow.aborted) {
          out.event(
            'interrupted',
            {},
            local
              ? 'stopped at once: the local cloud stops with this command, and on its next start rolls back the unfinished create or update'
              : 'stopped following the stack; CloudFormation carries on with it: `kinesis-tui status` shows where it is',
          );
          return EXIT.interrupted;
        }
        throw error;
      }
    },
    {
      onInterrupt: (out) => interruptNotice(out, local),
      check: () => {
        for (const capability of options.capabilities ?? []) {
          if (!CAPABILITIES.includes(capability)) {
            throw new InputError(
              `${capability} is not a capability: use ${CAPABILITIES.join(', ').replace(/, (?=[^,]*$)/, ' or ')}`,
            );
          }
        }
        template = loadTemplate(options.template);
        // What CloudFormation would refuse outright (not YAML it can read, unknown resource types) is refused
        // here, before a local cloud starts or a call is made.
        const rejection = templateRejection(template.template);
        if (rejection) throw new InputError(`${template.path}: ${rejection}`);
        // Checked before the target is opened: a bad value never waits for a cloud to start.
        deployParameters(template, options.param ?? []);
      },
    },
  );
}
