// `kinesis-tui deploy`: create the stack from cfn/pipeline.yaml, or update it through a change set.
import type { Capability } from '@aws-sdk/client-cloudformation';
import { InputError } from '../config/errors.js';
import { discoverPipeline } from '../pipeline/discovery.js';
import { archiveJournal } from '../pipeline/journal.js';
import { checkResources } from '../pipeline/resource-check.js';
import { deployStack } from '../pipeline/stack.js';
import { emptyBucket, stackBuckets } from '../pipeline/teardown.js';
import { deployParameters, loadTemplate } from '../pipeline/template.js';
import { templateRejection } from '../template/validate.js';
import { type CommonOptions, confirm, followSignal, interruptNotice, runCommand } from './common.js';
import { EXIT } from './exit-codes.js';
import { pipelineData, pipelineLines } from './pipeline-output.js';
import { endStackOperation, reportStackUpdate } from './stack-output.js';

/** The capabilities CloudFormation knows. */
const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'];

export interface DeployCommandOptions extends CommonOptions {
  param?: string[];
  replace?: boolean;
  capabilities?: string[];
  template?: string;
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
            for (const bucket of await stackBuckets(cf, stack).catch(() => [])) {
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
        // What the stack holds, found in it (whatever the template names things), and whether each
        // resource really is there: an endpoint may report resources made that it never made.
        const discovery = await discoverPipeline(target.clients, result.stack);
        out.event('pipeline', pipelineData(discovery), pipelineLines(discovery));
        const verb = {
          created: 'created',
          updated: 'updated',
          unchanged: 'unchanged (no changes)',
          cancelled: 'unchanged (cancelled)',
        }[result.action];
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
        const checked = await checkResources(target.clients, discovery);
        if (checked.problems.length > 0) {
          out.event('resources', { checks: checked.checks, problems: checked.problems }, [
            `${checked.problems.length} of the stack's resources ${checked.problems.length === 1 ? 'is' : 'are'} not usable at ${target.description}:`,
            ...checked.problems.map((p) => `  - ${p}`),
          ]);
          out.error(
            `stack ${stackName} is ${result.stack.status}, but this endpoint did not make everything it reports: the pipeline will not work as deployed (listed above)`,
            EXIT.target,
          );
          return EXIT.target;
        }
        return interrupts.stop.aborted ? EXIT.interrupted : EXIT.ok;
      } catch (error) {
        return endStackOperation(
          out,
          error,
          follow,
          local
            ? 'stopped at once: the local cloud stops with this command, and on its next start rolls back the unfinished create or update'
            : 'stopped following the stack; CloudFormation carries on with it: `kinesis-tui status` shows where it is',
        );
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
