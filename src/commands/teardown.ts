// `kinesis-tui teardown`: export (optional), empty the bucket, delete the stack.
import { archiveJournal } from '../pipeline/journal.js';
import { describeStack } from '../pipeline/stack.js';
import { refilledText, teardownStack } from '../pipeline/teardown.js';
import { type CommonOptions, confirm, followSignal, interruptNotice, runCommand } from './common.js';
import { EXIT } from './exit-codes.js';
import { plural } from './output.js';
import { endStackOperation, reportStackUpdate } from './stack-output.js';

export interface TeardownCommandOptions extends CommonOptions {
  exportDir?: string;
}

export function runTeardown(options: TeardownCommandOptions): Promise<number> {
  let local = false;
  return runCommand(
    'teardown',
    options,
    async ({ target, out, stackName, interrupts }) => {
      local = target.kind === 'local';
      const follow = followSignal(target, interrupts);
      const cf = target.clients.cloudformation;
      const stack = await describeStack(cf, stackName);
      if (!stack) {
        out.event('nothing', { stackName }, `there is no stack "${stackName}" here: nothing to tear down`);
        return EXIT.ok;
      }
      if (target.kind === 'aws') {
        const ok = await confirm(
          `Delete stack ${stackName} and every object in its bucket, in AWS account ${target.identity.account} (${target.region})?`,
          options,
        );
        if (!ok) {
          out.event('cancelled', {}, 'nothing deleted');
          return EXIT.ok;
        }
      }
      try {
        const result = await teardownStack(target.clients, stack, {
          ...(options.exportDir ? { exportDir: options.exportDir } : {}),
          signal: follow,
          pollMs: target.kind === 'aws' ? 3000 : 500,
          onUpdate: (update) => {
            if (update.type === 'exported') {
              out.event(
                'exported',
                { objects: update.objects, bytes: update.bytes, dir: update.dir },
                `exported ${plural(update.objects, 'object')} (${plural(update.bytes, 'byte')}) to ${update.dir}`,
              );
            } else if (update.type === 'emptied') {
              out.event(
                'emptied',
                { bucket: update.bucket, deleted: update.deleted },
                `emptied s3://${update.bucket}: ${plural(update.deleted, 'object')} deleted (versions included)`,
              );
            } else if (update.type === 'refilled') {
              out.event('refilled', { bucket: update.bucket }, refilledText(update.bucket));
            } else reportStackUpdate(out, update);
          },
        });
        const archived = archiveJournal(target.journalPath(stackName));
        out.event(
          'deleted',
          {
            stackName,
            bucket: result.bucket ?? null,
            deletedObjects: result.deletedObjects,
            resources: result.deletedResources,
            journalArchived: archived ?? null,
          },
          [
            `stack ${stackName} deleted: ${result.deletedResources.length} resources (${result.deletedResources.join(', ')})`,
            ...(archived ? [`its journal is kept as ${archived}`] : []),
          ],
        );
        return interrupts.stop.aborted ? EXIT.interrupted : EXIT.ok;
      } catch (error) {
        return endStackOperation(
          out,
          error,
          follow,
          local
            ? 'stopped at once: the local cloud stops with this command, and on its next start finishes the delete; `kinesis-tui teardown` then completes it'
            : 'stopped following the delete; CloudFormation carries on: `kinesis-tui status` shows where it is, `kinesis-tui teardown` resumes',
        );
      }
    },
    { onInterrupt: (out) => interruptNotice(out, local) },
  );
}
