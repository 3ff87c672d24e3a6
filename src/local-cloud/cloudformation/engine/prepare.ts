// A template made ready to act on: its structure checked, parameters and conditions evaluated, the
// resources the conditions keep and the order their dependencies impose. Pure, so the same checks answer
// ValidateTemplate, CreateStack, UpdateStack and change sets before anything is provisioned.
import { parseTemplate, TemplateFormatError } from '../../../template/parse.js';
import type { Template, TemplateResource } from '../../../template/types.js';
import type { StackParameter } from '../model.js';
import { type ConditionValues, conditionLookup, evaluateConditions } from './conditions.js';
import { creationOrder, dependencyGraph } from './dependencies.js';
import { type EvalContext, evaluate, type PseudoParameters, TemplateError } from './intrinsics.js';
import { type ParameterInput, type ResolvedParameters, resolveParameters } from './parameters.js';

const SECTIONS = new Set([
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Outputs',
  'Hooks',
]);

/** The largest TemplateBody CloudFormation takes inline (larger ones go through S3 and TemplateURL). */
export const TEMPLATE_BODY_LIMIT = 51_200;

/** Parses a template body, with CloudFormation's wording for what is malformed. */
export function readTemplate(body: string): Template {
  let template: Template;
  try {
    template = parseTemplate(body);
  } catch (error) {
    if (error instanceof TemplateFormatError)
      throw new TemplateError(`Template format error: ${error.message}`);
    throw error;
  }
  checkStructure(template);
  return template;
}

/** What CloudFormation rejects before evaluating anything. */
export function checkStructure(template: Template): void {
  const unknown = Object.keys(template).filter((key) => !SECTIONS.has(key));
  if (unknown.length > 0) {
    throw new TemplateError(
      `Template format error: Invalid template property or properties [${unknown.join(', ')}]`,
    );
  }
  if (
    template.AWSTemplateFormatVersion !== undefined &&
    String(template.AWSTemplateFormatVersion) !== '2010-09-09'
  ) {
    throw new TemplateError(
      `Template format error: Unsupported template version: ${String(template.AWSTemplateFormatVersion)}`,
    );
  }
  if (template.Transform !== undefined) {
    throw new TemplateError(
      'Template format error: the local cloud does not run transforms (Transform); expand the template first (for example with `sam build` or `aws cloudformation package`)',
    );
  }
  const resources = template.Resources;
  if (typeof resources !== 'object' || resources === null || Object.keys(resources).length === 0) {
    throw new TemplateError('Template format error: At least one Resources member must be defined.');
  }
  for (const [id, resource] of Object.entries(resources)) {
    if (!/^[A-Za-z0-9]+$/.test(id)) {
      throw new TemplateError(`Template format error: Resource name ${id} is non alphanumeric.`);
    }
    if (typeof resource !== 'object' || resource === null || typeof resource.Type !== 'string') {
      throw new TemplateError(
        `Template format error: [/Resources/${id}] Every Resources object must contain a Type member.`,
      );
    }
  }
  for (const [id, output] of Object.entries(template.Outputs ?? {})) {
    if (typeof output !== 'object' || output === null || output.Value === undefined) {
      throw new TemplateError(
        `Template format error: Every Outputs member must contain a Value object, the Outputs member ${id} is invalid.`,
      );
    }
  }
  for (const [id, parameter] of Object.entries(template.Parameters ?? {})) {
    if (typeof parameter !== 'object' || parameter === null || typeof parameter.Type !== 'string') {
      throw new TemplateError(
        `Template format error: Every Parameters object must contain a Type member, the Parameters member ${id} is invalid.`,
      );
    }
  }
}

const IAM_TYPES = new Set([
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::User',
  'AWS::IAM::Group',
  'AWS::IAM::AccessKey',
  'AWS::IAM::InstanceProfile',
  'AWS::IAM::UserToGroupAddition',
]);
const IAM_NAMES = ['RoleName', 'ManagedPolicyName', 'UserName', 'GroupName', 'InstanceProfileName'];

/** The capability the template's IAM resources need (CAPABILITY_NAMED_IAM when one is named), and why. */
export function requiredCapabilities(template: Template): { capabilities: string[]; reason?: string } {
  const iam = Object.values(template.Resources ?? {}).filter((r) => IAM_TYPES.has(r.Type));
  if (iam.length === 0) return { capabilities: [] };
  const named = iam.some((r) => IAM_NAMES.some((name) => r.Properties?.[name] !== undefined));
  const types = [...new Set(iam.map((r) => r.Type))];
  return {
    capabilities: [named ? 'CAPABILITY_NAMED_IAM' : 'CAPABILITY_IAM'],
    reason: `The following resource(s) require capabilities: [${types.join(', ')}]`,
  };
}

export interface PreparedStack {
  template: Template;
  parameters: ResolvedParameters;
  conditions: ConditionValues;
  /** The resources the conditions keep, by logical id, in template order. */
  resources: Record<string, TemplateResource>;
  graph: Map<string, Set<string>>;
  /** Logical ids, each after what it depends on. */
  order: string[];
  condition: (name: string) => boolean;
}

export interface PrepareInput {
  template: Template;
  parameters: readonly ParameterInput[];
  previousParameters?: readonly StackParameter[];
  pseudo: PseudoParameters;
}

/** Everything about a template that is known before any resource exists. */
export function prepare(input: PrepareInput): PreparedStack {
  const { template, pseudo } = input;
  const parameters = resolveParameters(template.Parameters, input.parameters, input.previousParameters);
  const base = {
    parameters: parameters.values,
    pseudo,
    mappings: template.Mappings ?? {},
    importValue: () => undefined,
  };
  const conditions = evaluateConditions(template.Conditions, base);
  const condition = conditionLookup(conditions);
  const resources: Record<string, TemplateResource> = {};
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Condition === undefined || condition(resource.Condition)) resources[id] = resource;
  }
  const graph = dependencyGraph(resources, new Set(Object.keys(template.Parameters ?? {})), condition);
  const order = creationOrder(graph);
  return { template, parameters, conditions, resources, graph, order, condition };
}

/** An evaluation context over a prepared stack, resources answered by the caller. */
export function evalContext(
  prepared: PreparedStack,
  pseudo: PseudoParameters,
  resolve: Pick<EvalContext, 'resourceRef' | 'resourceAttribute' | 'importValue'>,
): EvalContext {
  return {
    parameters: prepared.parameters.values,
    pseudo,
    mappings: prepared.template.Mappings ?? {},
    condition: prepared.condition,
    ...resolve,
  };
}

/** The outputs the conditions keep, evaluated; values that are lists are joined with commas, as AWS does. */
export function evaluateOutputs(
  prepared: PreparedStack,
  ctx: EvalContext,
): Array<{ OutputKey: string; OutputValue: string; Description?: string; ExportName?: string }> {
  const outputs = [];
  for (const [key, output] of Object.entries(prepared.template.Outputs ?? {})) {
    if (output.Condition !== undefined && !prepared.condition(output.Condition)) continue;
    const value = evaluate(output.Value, ctx);
    const exportName = output.Export ? evaluate(output.Export.Name, ctx) : undefined;
    outputs.push({
      OutputKey: key,
      OutputValue: Array.isArray(value)
        ? value.join(',')
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value),
      ...(output.Description !== undefined ? { Description: String(output.Description) } : {}),
      ...(exportName !== undefined ? { ExportName: String(exportName) } : {}),
    });
  }
  return outputs;
}
