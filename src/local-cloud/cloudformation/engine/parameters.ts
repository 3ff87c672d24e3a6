// The values a stack's parameters take, from the shared parameter resolution (src/template/parameters.ts),
// in the shapes the engine uses: the stack's parameters as DescribeStacks shows them, and values for Ref.
import {
  type ParameterInput,
  resolveParameters as resolveTemplateParameters,
} from '../../../template/parameters.js';
import type { TemplateParameter } from '../../../template/types.js';
import type { StackParameter } from '../model.js';

export type { ParameterInput };

/** A failure of the request's parameters (answered as a ValidationError with this message). */
export class ParameterError extends Error {
  override name = 'ParameterError';
}

export interface ResolvedParameters {
  /** The stack's parameters (before masking), in template order. */
  parameters: StackParameter[];
  noEcho: string[];
  /** What Ref gives: lists for list types. */
  values: Record<string, string | string[]>;
}

/** Resolves and checks the parameters; throws ParameterError with CloudFormation's first complaint. */
export function resolveParameters(
  declared: Readonly<Record<string, TemplateParameter>> | undefined,
  supplied: readonly ParameterInput[],
  previous: readonly StackParameter[] = [],
): ResolvedParameters {
  const { values, problems } = resolveTemplateParameters(
    declared,
    supplied,
    Object.fromEntries(previous.map((p) => [p.ParameterKey, p.ParameterValue])),
  );
  const first = problems[0];
  if (first) throw new ParameterError(first.message);
  const resolved = Object.values(values);
  return {
    parameters: resolved.map((p) => ({ ParameterKey: p.key, ParameterValue: p.value })),
    noEcho: resolved.filter((p) => p.noEcho).map((p) => p.key),
    values: Object.fromEntries(resolved.map((p) => [p.key, p.refValue])),
  };
}
