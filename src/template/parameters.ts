// Template parameters: which values a stack gets (given, default or previous) and whether they satisfy
// the template's constraints, with the messages CloudFormation answers with. One implementation for the
// local cloud's CloudFormation, `deploy --param Key=Value` and the wizard's as-you-type checks.
import type { Template, TemplateParameter, TemplateProblem } from './types.js';

/** How CloudFormation shows a NoEcho parameter's value. */
export const NO_ECHO_MASK = '****';

/** A value for one parameter, in the shape of the CloudFormation API's `Parameter`. */
export interface ParameterInput {
  ParameterKey: string;
  ParameterValue?: string;
  UsePreviousValue?: boolean;
}

export interface ResolvedParameter {
  key: string;
  type: string;
  /** The value as CloudFormation keeps it: always a string (list types comma-separated). */
  value: string;
  /** What `Ref` to the parameter gives: a list for list types (members space-trimmed), else the string. */
  refValue: string | string[];
  source: 'given' | 'default' | 'previous';
  noEcho: boolean;
}

export interface ParameterProblem {
  /** The parameters the message is about. */
  parameters: string[];
  message: string;
}

export interface ParameterResolution {
  values: Record<string, ResolvedParameter>;
  /** Empty when every parameter has a valid value. In the order CloudFormation reports them: the first
   *  is the one CreateStack/UpdateStack answers with. */
  problems: ParameterProblem[];
}

/**
 * Resolves the values a stack gets for its template's parameters: given values, else `UsePreviousValue`
 * (from `previous`, the stack's current values), else the Default; then checks each against its type
 * and constraints.
 */
export function resolveParameters(
  declared: Template['Parameters'],
  given: readonly ParameterInput[],
  previous: Readonly<Record<string, string>> = {},
): ParameterResolution {
  const declarations = declared ?? {};
  const problems: ParameterProblem[] = [];
  const byKey = new Map(given.map((input) => [input.ParameterKey, input]));

  const unknown = [...byKey.keys()].filter((key) => !Object.hasOwn(declarations, key));
  for (const input of byKey.values()) {
    if (!input.UsePreviousValue || !Object.hasOwn(declarations, input.ParameterKey)) continue;
    if (input.ParameterValue !== undefined && input.ParameterValue !== '') {
      problems.push({
        parameters: [input.ParameterKey],
        message: `Invalid input for parameter key ${input.ParameterKey}. Cannot specify usePreviousValue as true and non empty value for a parameter key.`,
      });
    } else if (!Object.hasOwn(previous, input.ParameterKey)) {
      problems.push({
        parameters: [input.ParameterKey],
        message: `Invalid input for parameter key ${input.ParameterKey}. Cannot specify usePreviousValue as true for a parameter key not in the previous template`,
      });
    }
  }

  const values: Record<string, ResolvedParameter> = {};
  const missing: string[] = [];
  for (const [key, declaration] of Object.entries(declarations)) {
    const input = byKey.get(key);
    let value: string | undefined;
    let source: ResolvedParameter['source'] = 'given';
    if (input?.UsePreviousValue) {
      value = previous[key];
      source = 'previous';
    } else if (input?.ParameterValue !== undefined) {
      value = input.ParameterValue;
    } else if (declaration.Default !== undefined && declaration.Default !== null) {
      value = defaultString(declaration.Default);
      source = 'default';
    }
    if (value === undefined) {
      if (!input?.UsePreviousValue) missing.push(key);
      continue;
    }
    values[key] = {
      key,
      type: declaration.Type,
      value,
      refValue: isListType(declaration.Type) ? splitList(value) : value,
      source,
      noEcho: isNoEcho(declaration),
    };
  }

  // Malformed input first (CloudFormation refuses the request before looking at the values).
  const ordered: ParameterProblem[] = [...problems];
  if (missing.length > 0)
    ordered.push({ parameters: missing, message: `Parameters: [${missing.join(', ')}] must have values` });
  if (unknown.length > 0) {
    ordered.push({
      parameters: unknown,
      message: `Parameters: [${unknown.join(', ')}] do not exist in the template`,
    });
  }
  for (const resolved of Object.values(values)) {
    const declaration = declarations[resolved.key];
    const problem = declaration && checkParameterValue(resolved.key, declaration, resolved.value);
    if (problem) ordered.push({ parameters: [resolved.key], message: problem });
  }
  return { values, problems: ordered };
}

/**
 * Checks one value against its parameter's type and constraints (for the wizard, as the user types).
 * Returns CloudFormation's message for the first thing wrong, or undefined when the value is valid.
 */
export function checkParameterValue(
  key: string,
  declaration: TemplateParameter,
  value: string,
): string | undefined {
  const type = declaration.Type;
  const members = isListType(type) ? splitList(value) : [value];
  const numeric = type === 'Number' || type === 'List<Number>';
  const violated = (plain: string) =>
    declaration.ConstraintDescription !== undefined
      ? `Parameter ${key} failed to satisfy constraint: ${declaration.ConstraintDescription}`
      : plain;

  for (const member of members) {
    if (numeric && !isNumber(member)) return `Parameter '${key}' must be a number`;
  }
  for (const member of members) {
    const allowed = declaration.AllowedValues;
    if (allowed && !allowed.some((candidate) => sameValue(candidate, member, numeric))) {
      return violated(`Parameter '${key}' must be one of AllowedValues`);
    }
    if (numeric) {
      const number = Number(member);
      if (declaration.MinValue !== undefined && number < Number(declaration.MinValue)) {
        return violated(`Parameter '${key}' must be a number not less than ${declaration.MinValue}`);
      }
      if (declaration.MaxValue !== undefined && number > Number(declaration.MaxValue)) {
        return violated(`Parameter '${key}' must be a number not greater than ${declaration.MaxValue}`);
      }
      continue;
    }
    const length = [...member].length;
    if (declaration.MinLength !== undefined && length < Number(declaration.MinLength)) {
      return violated(`Parameter '${key}' must contain at least ${declaration.MinLength} characters`);
    }
    if (declaration.MaxLength !== undefined && length > Number(declaration.MaxLength)) {
      return violated(`Parameter '${key}' must contain at most ${declaration.MaxLength} characters`);
    }
    if (declaration.AllowedPattern !== undefined) {
      const pattern = allowedPattern(declaration.AllowedPattern);
      if (pattern && !pattern.test(member)) {
        return violated(`Parameter '${key}' must match pattern ${declaration.AllowedPattern}`);
      }
    }
  }
  return undefined;
}

/** Checks the Parameters section's declarations themselves (types, known properties, valid patterns). */
export function checkParameterDeclarations(declared: unknown): TemplateProblem[] {
  if (declared === undefined) return [];
  if (!isPlainObject(declared)) {
    return [{ path: 'Parameters', message: 'Template format error: Parameters must be an object' }];
  }
  const problems: TemplateProblem[] = [];
  for (const [key, declaration] of Object.entries(declared)) {
    const path = `Parameters/${key}`;
    if (!isPlainObject(declaration)) {
      problems.push({ path, message: 'Template format error: Every Parameters object must be an object' });
      continue;
    }
    for (const property of Object.keys(declaration)) {
      if (!PARAMETER_PROPERTIES.has(property)) {
        problems.push({
          path: `${path}/${property}`,
          message: `Invalid template parameter property '${property}'`,
        });
      }
    }
    const type = declaration.Type;
    if (type === undefined) {
      problems.push({
        path,
        message: 'Template format error: Every Parameters object must contain a Type member.',
      });
    } else if (typeof type !== 'string' || !isParameterType(type)) {
      problems.push({
        path: `${path}/Type`,
        message: `Template format error: Unrecognized parameter type: ${String(type)}`,
      });
    }
    const pattern = declaration.AllowedPattern;
    if (pattern !== undefined && (typeof pattern !== 'string' || !allowedPattern(pattern))) {
      problems.push({
        path: `${path}/AllowedPattern`,
        message: `Parameter '${key}' AllowedPattern must be a valid regular expression.`,
      });
    }
    if (declaration.AllowedValues !== undefined && !Array.isArray(declaration.AllowedValues)) {
      problems.push({
        path: `${path}/AllowedValues`,
        message: `Template format error: Parameter '${key}' AllowedValues must be a list`,
      });
    }
  }
  return problems;
}

/** One parameter as a form shows it (the wizard's Deploy screen, the console's stack form). */
export interface ParameterField {
  key: string;
  /** ParameterLabels' label, else the key. */
  label: string;
  /** The ParameterGroups label it is listed under, if any. */
  group?: string;
  declaration: TemplateParameter;
  /** The Default as CloudFormation keeps it (a string), if there is one. */
  default?: string;
}

/**
 * The template's parameters in the order the AWS console shows them: grouped and ordered by the
 * `AWS::CloudFormation::Interface` metadata (ParameterGroups, ParameterLabels) when the template has
 * it, then the rest in template order.
 */
export function parameterFields(template: Template): ParameterField[] {
  const declared = template.Parameters ?? {};
  const ui = interfaceMetadata(template.Metadata);
  const ordered: Array<[string, string | undefined]> = [];
  const seen = new Set<string>();
  for (const group of ui.groups) {
    for (const key of group.parameters) {
      if (Object.hasOwn(declared, key) && !seen.has(key)) {
        ordered.push([key, group.label]);
        seen.add(key);
      }
    }
  }
  for (const key of Object.keys(declared)) if (!seen.has(key)) ordered.push([key, undefined]);
  return ordered.flatMap(([key, group]) => {
    const declaration = declared[key];
    if (!declaration) return [];
    return [
      {
        key,
        label: ui.labels[key] ?? key,
        ...(group !== undefined ? { group } : {}),
        declaration,
        ...(declaration.Default !== undefined && declaration.Default !== null
          ? { default: defaultString(declaration.Default) }
          : {}),
      },
    ];
  });
}

function interfaceMetadata(metadata: unknown): {
  groups: Array<{ label?: string; parameters: string[] }>;
  labels: Record<string, string>;
} {
  const ui = isPlainObject(metadata) ? metadata['AWS::CloudFormation::Interface'] : undefined;
  if (!isPlainObject(ui)) return { groups: [], labels: {} };
  const groups = (Array.isArray(ui.ParameterGroups) ? ui.ParameterGroups : [])
    .filter(isPlainObject)
    .map((group) => {
      const label =
        isPlainObject(group.Label) && typeof group.Label.default === 'string'
          ? group.Label.default
          : undefined;
      const parameters = Array.isArray(group.Parameters)
        ? group.Parameters.filter((p): p is string => typeof p === 'string')
        : [];
      return label !== undefined ? { label, parameters } : { parameters };
    });
  const labels: Record<string, string> = {};
  if (isPlainObject(ui.ParameterLabels)) {
    for (const [key, label] of Object.entries(ui.ParameterLabels)) {
      if (isPlainObject(label) && typeof label.default === 'string') labels[key] = label.default;
    }
  }
  return { groups, labels };
}

export function isNoEcho(declaration: TemplateParameter): boolean {
  return declaration.NoEcho === true || String(declaration.NoEcho).toLowerCase() === 'true';
}

/**
 * A problem with a value, for a person: CloudFormation's message (kept as AWS words it, which the local
 * cloud answers too) with the allowed values added when the declaration lists them, since AWS's message
 * does not say which they are.
 */
export function explainParameterProblem(declaration: TemplateParameter | undefined, message: string): string {
  const allowed = declaration?.AllowedValues;
  if (!allowed?.length || !/AllowedValues/.test(message)) return message;
  return `${message}: ${allowed.map((v) => String(v)).join(', ')}`;
}

/** A value as it may be shown: NoEcho parameters' values are masked, as CloudFormation shows them. */
export function displayValue(declaration: TemplateParameter | undefined, value: string): string {
  return declaration && isNoEcho(declaration) ? NO_ECHO_MASK : value;
}

/** Parses a `Key=Value` assignment (the `--param` option). The value may hold `=`; it may be empty. */
export function parseParameterAssignment(text: string): ParameterInput | { error: string } {
  const equals = text.indexOf('=');
  if (equals <= 0) return { error: `"${text}" is not Key=Value (for example --param ShardCount=2)` };
  return { ParameterKey: text.slice(0, equals), ParameterValue: text.slice(equals + 1) };
}

export function isListType(type: string): boolean {
  return (
    type === 'CommaDelimitedList' ||
    type.startsWith('List<') ||
    type === 'AWS::SSM::Parameter::Value<CommaDelimitedList>' ||
    type.startsWith('AWS::SSM::Parameter::Value<List<')
  );
}

const PARAMETER_PROPERTIES = new Set([
  'Type',
  'Default',
  'Description',
  'AllowedValues',
  'AllowedPattern',
  'ConstraintDescription',
  'MinLength',
  'MaxLength',
  'MinValue',
  'MaxValue',
  'NoEcho',
]);

// The AWS-specific parameter types. Their values are only checked as strings here: checking that the
// key pair or VPC exists needs the account, which the local cloud does not model.
const AWS_TYPES = [
  'AWS::EC2::AvailabilityZone::Name',
  'AWS::EC2::Image::Id',
  'AWS::EC2::Instance::Id',
  'AWS::EC2::KeyPair::KeyName',
  'AWS::EC2::SecurityGroup::GroupName',
  'AWS::EC2::SecurityGroup::Id',
  'AWS::EC2::Subnet::Id',
  'AWS::EC2::Volume::Id',
  'AWS::EC2::VPC::Id',
  'AWS::Route53::HostedZone::Id',
];
const PLAIN_TYPES = new Set([
  'String',
  'Number',
  'List<Number>',
  'CommaDelimitedList',
  'AWS::SSM::Parameter::Name',
  ...AWS_TYPES,
  ...AWS_TYPES.map((type) => `List<${type}>`),
]);

function isParameterType(type: string): boolean {
  if (PLAIN_TYPES.has(type)) return true;
  const ssm = /^AWS::SSM::Parameter::Value<(.+)>$/.exec(type);
  return (
    ssm?.[1] !== undefined &&
    ssm[1] !== 'AWS::SSM::Parameter::Name' &&
    (ssm[1] === 'List<String>' || PLAIN_TYPES.has(ssm[1]))
  );
}

function splitList(value: string): string[] {
  return value.split(',').map((member) => member.trim());
}

// YAML gives numbers and booleans for unquoted defaults; CloudFormation keeps every value as a string.
function defaultString(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join(',') : String(value);
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function isNumber(value: string): boolean {
  return NUMBER.test(value);
}

function sameValue(candidate: unknown, value: string, numeric: boolean): boolean {
  if (numeric && (typeof candidate === 'number' || (typeof candidate === 'string' && isNumber(candidate)))) {
    return Number(candidate) === Number(value);
  }
  return String(candidate) === value;
}

// AllowedPattern must match the whole value, as Java's String.matches does on CloudFormation's side.
const patterns = new Map<string, RegExp | undefined>();
function allowedPattern(source: string): RegExp | undefined {
  if (!patterns.has(source)) {
    let pattern: RegExp | undefined;
    try {
      pattern = new RegExp(`^(?:${source})$`);
    } catch {
      pattern = undefined;
    }
    patterns.set(source, pattern);
  }
  return patterns.get(source);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
