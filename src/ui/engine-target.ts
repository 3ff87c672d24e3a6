// The wizard's engine over a real target: the local cloud, AWS or an endpoint, through src/config and
// src/pipeline. Where the engine cannot do a step yet, `unavailable` says so and the screen shows it.
import { openTarget, type TargetOptions } from '../config/target.js';
import { deployStack, describeStack } from '../pipeline/stack.js';
import { openStreamSession } from '../pipeline/stream-session.js';
import { emptyBucket, stackBucket } from '../pipeline/teardown.js';
import { deployParameters, type LoadedTemplate, loadTemplate } from '../pipeline/template.js';
import { parameterFields } from '../template/parameters.js';
import type { TemplateSummary, WizardEngine } from './engine.js';

export interface EngineOptions extends TargetOptions {
  stackName: string;
}

export function loadTemplateSummary(loaded: LoadedTemplate = loadTemplate()): TemplateSummary {
  const template = loaded.template;
  return {
    resources: Object.entries(template.Resources ?? {}).map(([id, r]) => ({ id, type: r.Type })),
    fields: parameterFields(template),
  };
}

const notYet = (command: string) =>
  `this screen is not built yet; meanwhile \`kinesis-tui ${command}\` does it from the command line`;

export async function openEngine(options: EngineOptions): Promise<WizardEngine> {
  const loaded = loadTemplate();
  const template = loadTemplateSummary(loaded);
  const target = await openTarget(options);
  const { stackName } = options;
  return {
    target,
    stackName,
    template,
    unavailable: { verify: notYet('verify'), cleanup: notYet('teardown') },
    async describeStack() {
      const stack = await describeStack(target.clients.cloudformation, stackName);
      return (
        stack && {
          name: stack.name,
          status: stack.status,
          ...(stack.reason ? { reason: stack.reason } : {}),
          outputs: stack.outputs,
          parameters: stack.parameters,
        }
      );
    },
    deploy({ values, replace, signal, onUpdate }) {
      const assignments = Object.entries(values).map(([key, value]) => `${key}=${value}`);
      return deployStack(target.clients.cloudformation, {
        stackName,
        template: loaded,
        parameters: (previous) => deployParameters(loaded, assignments, previous),
        ...(replace ? { replace: true } : {}),
        // A failed stack's bucket may hold objects; CloudFormation cannot delete a bucket that is not empty.
        beforeDelete: async (stack) => {
          const bucket = await stackBucket(target.clients.cloudformation, stack);
          if (bucket) await emptyBucket(target.clients.s3, bucket, signal).catch(() => 0);
        },
        ...(signal ? { signal } : {}),
        onUpdate,
      });
    },
    async openStream(stack, { rate }) {
      return openStreamSession(target, stack, { rate });
    },
    close: () => target.close(),
  };
}
