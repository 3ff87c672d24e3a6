// The checked-in pipeline template and the `--param Key=Value` syntax.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputError } from '../config/errors.js';
import {
  explainParameterProblem,
  type ParameterInput,
  parseParameterAssignment,
  resolveParameters,
} from '../template/parameters.js';
import { parseTemplate } from '../template/parse.js';
import type { Template } from '../template/types.js';

/** cfn/pipeline.yaml, from the compiled package (dist/src/pipeline) or the sources (src/pipeline). */
export function pipelineTemplatePath(): string {
  const here = import.meta.url;
  return fileURLToPath(
    new URL(here.includes('/dist/') ? '../../../cfn/pipeline.yaml' : '../../cfn/pipeline.yaml', here),
  );
}

export interface LoadedTemplate {
  path: string;
  body: string;
  /** Logical ids of the resources it declares. */
  resources: string[];
  /** Parameter names it declares. */
  parameters: string[];
  template: Template;
}

export function loadTemplate(path = pipelineTemplatePath()): LoadedTemplate {
  let body: string;
  try {
    body = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(
      `cannot read the template ${path} (${(error as NodeJS.ErrnoException).code}): check the path`,
    );
  }
  let parsed: ReturnType<typeof parseTemplate>;
  try {
    parsed = parseTemplate(body);
  } catch (error) {
    throw new InputError(`${path} is not a readable template: ${(error as Error).message}`);
  }
  return {
    path,
    body,
    resources: Object.keys(parsed.Resources ?? {}),
    parameters: Object.keys(parsed.Parameters ?? {}),
    template: parsed,
  };
}

/**
 * `--param Key=Value` assignments checked against the template's declarations and constraints before any
 * call (the same checks CloudFormation makes, from src/template/parameters.ts), as the API's Parameters.
 * On an update, parameters not given keep the stack's previous values, as `aws cloudformation deploy` does.
 */
export function deployParameters(
  template: LoadedTemplate,
  assignments: readonly string[],
  previous?: Readonly<Record<string, string>>,
): ParameterInput[] {
  const given: ParameterInput[] = [];
  const seen = new Set<string>();
  for (const assignment of assignments) {
    const parsed = parseParameterAssignment(assignment);
    if ('error' in parsed) throw new InputError(`--param: ${parsed.error}`);
    if (seen.has(parsed.ParameterKey))
      throw new InputError(`--param ${parsed.ParameterKey} is given twice: keep one`);
    seen.add(parsed.ParameterKey);
    given.push(parsed);
  }
  const inputs = [...given];
  if (previous) {
    for (const key of template.parameters) {
      if (!seen.has(key) && Object.hasOwn(previous, key))
        inputs.push({ ParameterKey: key, UsePreviousValue: true });
    }
  }
  const { problems } = resolveParameters(template.template.Parameters, inputs, previous ?? {});
  if (problems.length > 0) {
    const declared = template.template.Parameters ?? {};
    const unknown = problems.some((p) => p.parameters.some((key) => !Object.hasOwn(declared, key)));
    const messages = problems.map((p) =>
      explainParameterProblem(
        p.parameters.length === 1 ? declared[p.parameters[0] ?? ''] : undefined,
        p.message,
      ),
    );
    // The template's parameters are named only when one given is not among them.
    const known = unknown ? ` (the template's parameters: ${template.parameters.join(', ')})` : '';
    throw new InputError(`${messages.join('; ')}${known}`);
  }
  return inputs;
}
