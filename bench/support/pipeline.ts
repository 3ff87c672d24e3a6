// The whole pipeline stack deployed into a bench cloud, as `kinesis-tui deploy --param ...` does.
import { deployStack, type StackState } from '../../src/pipeline/stack.js';
import { deployParameters, loadTemplate } from '../../src/pipeline/template.js';
import type { BenchCloud } from './cloud.js';

export async function deployPipeline(
  cloud: BenchCloud,
  stackName: string,
  params: string[],
): Promise<StackState> {
  const template = loadTemplate();
  const result = await deployStack(cloud.clients.cloudformation, {
    stackName,
    template,
    parameters: (previous) => deployParameters(template, params, previous),
  });
  return result.stack;
}
