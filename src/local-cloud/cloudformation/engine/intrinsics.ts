// Evaluation of CloudFormation's intrinsic functions over a parsed template value (JSON long form).
// Pure: everything a value can refer to comes in through the EvalContext, so the same code evaluates
// Conditions before anything exists, resource properties as their dependencies complete, and Outputs.

/** What `!Ref AWS::NoValue` evaluates to: removed from the object or list that holds it. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

/** A template whose content is wrong, worded as CloudFormation words it (answered as a ValidationError). */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

export interface PseudoParameters {
  region: string;
  accountId: string;
  stackName: string;
  stackId: string;
  partition: string;
  urlSuffix: string;
}

export interface EvalContext {
  /** Parameter values after defaults: lists (CommaDelimitedList, List<..>) as arrays, others as strings. */
  readonly parameters: Readonly<Record<string, string | string[]>>;
  readonly pseudo: PseudoParameters;
  readonly mappings: Readonly<Record<string, Record<string, Record<string, unknown>>>>;
  /** Conditions already evaluated (a condition's own evaluation resolves names through `condition`). */
  condition(name: string): boolean;
  /** What `Ref` returns for a resource; throws when the resource has no value yet. */
  resourceRef(logicalId: string): unknown;
  /** What `Fn::GetAtt` returns for a resource's attribute. */
  resourceAttribute(logicalId: string, attribute: string): unknown;
  /** The value of another stack's export, for Fn::ImportValue. */
  importValue(name: string): string | undefined;
}

export const PSEUDO_PARAMETERS = [
  'AWS::Region',
  'AWS::AccountId',
  'AWS::StackName',
  'AWS::StackId',
  'AWS::Partition',
  'AWS::URLSuffix',
  'AWS::NoValue',
  'AWS::NotificationARNs',
] as const;

export function isPseudoParameter(name: string): boolean {
  return (PSEUDO_PARAMETERS as readonly string[]).includes(name);
}

/** The availability zones Fn::GetAZs lists: three per region, as most regions have. */
export function availabilityZones(region: string): string[] {
  return ['a', 'b', 'c'].map((letter) => `${region}${letter}`);
}

type Json = Record<string, unknown>;

/** The single key of an intrinsic function object, or undefined when the object is plain data. */
export function intrinsicName(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0] as string;
  // `Condition` is a function only with a condition's name; an IAM statement's Condition is a map.
  if (key === 'Condition') return typeof (value as Json)[key] === 'string' ? key : undefined;
  return key === 'Ref' || key.startsWith('Fn::') ? key : undefined;
}

function pseudoValue(name: string, ctx: EvalContext): unknown {
  const p = ctx.pseudo;
  switch (name) {
    case 'AWS::Region':
      return p.region;
    case 'AWS::AccountId':
      return p.accountId;
    case 'AWS::StackName':
      return p.stackName;
    case 'AWS::StackId':
      return p.stackId;
    case 'AWS::Partition':
      return p.partition;
    case 'AWS::URLSuffix':
      return p.urlSuffix;
    case 'AWS::NotificationARNs':
      return [];
    default:
      return NO_VALUE;
  }
}

/** `Ref` to a parameter, pseudo parameter or resource. */
export function refValue(name: unknown, ctx: EvalContext): unknown {
  if (typeof name !== 'string')
    throw new TemplateError('Template format error: Every Ref object must have a single String value.');
  if (isPseudoParameter(name)) return pseudoValue(name, ctx);
  if (Object.hasOwn(ctx.parameters, name)) return ctx.parameters[name];
  return ctx.resourceRef(name);
}

function asString(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TemplateError(`Template error: ${where} must be a string`);
}

function asList(value: unknown, where: string): unknown[] {
  if (Array.isArray(value)) return value;
  throw new TemplateError(`Template error: ${where} must be a list`);
}

/** `"Res.Attr"` or `["Res", "Attr"]` (the attribute may itself be an intrinsic). */
export function getAttTarget(arg: unknown, ctx?: EvalContext): [string, string] {
  if (typeof arg === 'string') {
    const dot = arg.indexOf('.');
    if (dot > 0) return [arg.slice(0, dot), arg.slice(dot + 1)];
  } else if (Array.isArray(arg) && arg.length === 2 && typeof arg[0] === 'string') {
    const attribute = ctx ? evaluate(arg[1], ctx) : arg[1];
    if (typeof attribute === 'string') return [arg[0], attribute];
    if (!ctx && intrinsicName(attribute)) return [arg[0], ''];
  }
  throw new TemplateError(
    'Template error: every Fn::GetAtt object requires two non-empty parameters, the resource name and the resource attribute',
  );
}

/** The parts of a Fn::Sub string: literals and `${Name}` / `${Res.Attr}` references (`${!x}` is literal). */
export type SubPart = { literal: string } | { reference: string };

export function parseSub(text: string): SubPart[] {
  const parts: SubPart[] = [];
  let rest = text;
  while (rest.length > 0) {
    const start = rest.indexOf('${');
    if (start < 0) {
      parts.push({ literal: rest });
      break;
    }
    if (start > 0) parts.push({ literal: rest.slice(0, start) });
    const end = rest.indexOf('}', start);
    if (end < 0) {
      parts.push({ literal: rest.slice(start) });
      break;
    }
    const inner = rest.slice(start + 2, end);
    if (inner.startsWith('!')) parts.push({ literal: `\${${inner.slice(1)}}` });
    else parts.push({ reference: inner.trim() });
    rest = rest.slice(end + 1);
  }
  return parts;
}

/** The Fn::Sub string and its explicit variables, from either form. */
export function subArguments(arg: unknown): [string, Json] {
  if (typeof arg === 'string') return [arg, {}];
  if (
    Array.isArray(arg) &&
    arg.length === 2 &&
    typeof arg[0] === 'string' &&
    typeof arg[1] === 'object' &&
    arg[1] !== null &&
    !Array.isArray(arg[1])
  ) {
    return [arg[0], arg[1] as Json];
  }
  throw new TemplateError(
    "Template error: One or more Fn::Sub intrinsic functions don't specify expected arguments. Specify a string as first argument, and an optional second argument to specify a mapping of values to replace in the string",
  );
}

function evaluateSub(arg: unknown, ctx: EvalContext): string {
  const [text, variables] = subArguments(arg);
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(variables)) values[name] = evaluate(value, ctx);
  return parseSub(text)
    .map((part) => {
      if ('literal' in part) return part.literal;
      const name = part.reference;
      if (Object.hasOwn(values, name)) return asString(values[name], `the Fn::Sub variable ${name}`);
      if (isPseudoParameter(name) || Object.hasOwn(ctx.parameters, name)) {
        const value = refValue(name, ctx);
        return Array.isArray(value) ? value.join(',') : asString(value, `the Fn::Sub variable ${name}`);
      }
      const dot = name.indexOf('.');
      const value =
        dot > 0 ? ctx.resourceAttribute(name.slice(0, dot), name.slice(dot + 1)) : ctx.resourceRef(name);
      return asString(value, `the Fn::Sub variable ${name}`);
    })
    .join('');
}

function evaluateFunction(name: string, arg: unknown, ctx: EvalContext): unknown {
  switch (name) {
    case 'Ref':
      return refValue(arg, ctx);
    case 'Condition':
      return ctx.condition(asString(arg, 'Condition'));
    case 'Fn::GetAtt': {
      const [resource, attribute] = getAttTarget(arg, ctx);
      return ctx.resourceAttribute(resource, attribute);
    }
    case 'Fn::Sub':
      return evaluateSub(arg, ctx);
    case 'Fn::Join': {
      if (!Array.isArray(arg) || arg.length !== 2) {
        throw new TemplateError(
          'Template error: every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined.',
        );
      }
      const delimiter = asString(evaluate(arg[0], ctx), 'the Fn::Join delimiter');
      const items = asList(evaluate(arg[1], ctx), 'the second Fn::Join parameter');
      return items
        .filter((item) => item !== NO_VALUE)
        .map((item) => asString(item, 'every Fn::Join item'))
        .join(delimiter);
    }
    case 'Fn::Select': {
      if (!Array.isArray(arg) || arg.length !== 2) {
        throw new TemplateError(
          'Template error: Fn::Select requires a list argument with two elements: an integer index and a list',
        );
      }
      const index = Number(evaluate(arg[0], ctx));
      const list = asList(evaluate(arg[1], ctx), 'the second Fn::Select parameter');
      if (!Number.isInteger(index) || index < 0 || index >= list.length) {
        throw new TemplateError(
          'Template error: Fn::Select cannot select nonexistent value at index ' +
            String(evaluate(arg[0], ctx)),
        );
      }
      return list[index];
    }
    case 'Fn::Split': {
      if (!Array.isArray(arg) || arg.length !== 2) {
        throw new TemplateError(
          'Template error: every Fn::Split object requires two parameters, (1) a string delimiter and (2) a string to be split or a function that returns a string to be split.',
        );
      }
      const delimiter = asString(evaluate(arg[0], ctx), 'the Fn::Split delimiter');
      return asString(evaluate(arg[1], ctx), 'the Fn::Split source').split(delimiter);
    }
    case 'Fn::GetAZs': {
      const region = evaluate(arg, ctx);
      return availabilityZones(typeof region === 'string' && region !== '' ? region : ctx.pseudo.region);
    }
    case 'Fn::Base64':
      return Buffer.from(asString(evaluate(arg, ctx), 'Fn::Base64'), 'utf8').toString('base64');
    case 'Fn::FindInMap': {
      if (!Array.isArray(arg) || arg.length < 3) {
        throw new TemplateError(
          'Template error: every Fn::FindInMap object requires three parameters, the map name, map key and the attribute for return value',
        );
      }
      const [mapName, topKey, secondKey] = arg
        .slice(0, 3)
        .map((part) => asString(evaluate(part, ctx), 'every Fn::FindInMap parameter'));
      const map = ctx.mappings[mapName as string];
      if (!map)
        throw new TemplateError(
          `Template error: Unable to get mapping for ${mapName}::${topKey}::${secondKey}`,
        );
      const top = map[topKey as string];
      if (!top || !Object.hasOwn(top, secondKey as string)) {
        throw new TemplateError(
          `Template error: Unable to get mapping for ${mapName}::${topKey}::${secondKey}`,
        );
      }
      return evaluate(top[secondKey as string], ctx);
    }
    case 'Fn::ImportValue': {
      const exportName = asString(evaluate(arg, ctx), 'Fn::ImportValue');
      const value = ctx.importValue(exportName);
      if (value === undefined) throw new TemplateError(`No export named ${exportName} found.`);
      return value;
    }
    case 'Fn::If': {
      if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string') {
        throw new TemplateError('Template error: Fn::If requires a list argument with three elements');
      }
      return evaluate(ctx.condition(arg[0]) ? arg[1] : arg[2], ctx);
    }
    case 'Fn::Equals': {
      if (!Array.isArray(arg) || arg.length !== 2) {
        throw new TemplateError('Template error: Fn::Equals requires a list argument with two elements');
      }
      const [a, b] = arg.map((part) => evaluate(part, ctx));
      return JSON.stringify(scalarForEquals(a)) === JSON.stringify(scalarForEquals(b));
    }
    case 'Fn::And':
    case 'Fn::Or': {
      if (!Array.isArray(arg) || arg.length < 2 || arg.length > 10) {
        throw new TemplateError(
          `Template error: ${name} requires a list argument with between 2 and 10 elements`,
        );
      }
      const values = arg.map((part) => asBoolean(evaluate(part, ctx), name));
      return name === 'Fn::And' ? values.every(Boolean) : values.some(Boolean);
    }
    case 'Fn::Not': {
      if (!Array.isArray(arg) || arg.length !== 1) {
        throw new TemplateError('Template error: Fn::Not requires a list argument with one element');
      }
      return !asBoolean(evaluate(arg[0], ctx), name);
    }
    default:
      throw new TemplateError(
        `Template format error: ${name} is not supported by the local cloud (it evaluates Ref, Condition, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::GetAZs, Fn::Base64, Fn::FindInMap, Fn::ImportValue, Fn::If, Fn::Equals, Fn::And, Fn::Or, Fn::Not)`,
      );
  }
}

// Fn::Equals compares as strings: `!Equals [!Ref Count, 1]` holds when the parameter is "1".
function scalarForEquals(value: unknown): unknown {
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}

function asBoolean(value: unknown, where: string): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new TemplateError(`Template error: every ${where} member must be a condition`);
}

/** Evaluates every intrinsic function in a value; `AWS::NoValue` removes the key or item holding it. */
export function evaluate(value: unknown, ctx: EvalContext): unknown {
  if (Array.isArray(value))
    return value.map((item) => evaluate(item, ctx)).filter((item) => item !== NO_VALUE);
  if (typeof value !== 'object' || value === null) return value;
  const name = intrinsicName(value);
  if (name) return evaluateFunction(name, (value as Json)[name], ctx);
  const result: Json = {};
  for (const [key, item] of Object.entries(value)) {
    const evaluated = evaluate(item, ctx);
    if (evaluated !== NO_VALUE) result[key] = evaluated;
  }
  return result;
}
