// The values a stack's parameters take: what the caller passed, UsePreviousValue, or the template's
// Default, with CloudFormation's errors for what is missing or unknown.
import type { TemplateParameter } from '../../../template/types.js';
import type { StackParameter } from '../model.js';
import { TemplateError } from './intrinsics.js';

export interface ParameterInput {
  ParameterKey?: string;
  ParameterValue?: string;
  UsePreviousValue?: boolean;
}

/** A failure of the request's parameters (answered as a ValidationError with this message). */
export class ParameterError extends Error {
  override name = 'ParameterError';
}

export interface ResolvedParameters {
  /** The stack's parameters as DescribeStacks shows them (before masking), in template order. */
  parameters: StackParameter[];
  noEcho: string[];
  /** For evaluation: list types as arrays. */
  values: Record<string, string | string[]>;
}

const LIST_TYPES = /^(CommaDelimitedList|List<.+>)$/;

export function isListType(type: string): boolean {
  return LIST_TYPES.test(type);
}

function stringDefault(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join(',') : String(value);
}

export function resolveParameters(
  declared: Readonly<Record<string, TemplateParameter>> | undefined,
  supplied: readonly ParameterInput[],
  previous: readonly StackParameter[] = [],
): ResolvedParameters {
  const declaredParams = declared ?? {};
  const unknown = supplied
    .map((p) => p.ParameterKey ?? '')
    .filter((key) => !Object.hasOwn(declaredParams, key));
  if (unknown.length > 0)
    throw new ParameterError(`Parameters: [${unknown.join(', ')}] do not exist in the template`);
  const parameters: StackParameter[] = [];
  const noEcho: string[] = [];
  const values: Record<string, string | string[]> = {};
  const missing: string[] = [];
  for (const [key, definition] of Object.entries(declaredParams)) {
    if (typeof definition !== 'object' || definition === null || typeof definition.Type !== 'string') {
      throw new TemplateError(`Template format error: Every Parameters object must contain a Type member.`);
    }
    const given = supplied.find((p) => p.ParameterKey === key);
    let value: string | undefined;
    if (given?.UsePreviousValue) {
      const before = previous.find((p) => p.ParameterKey === key);
      if (!before) {
        throw new ParameterError(
          `Invalid input for parameter key ${key}. Cannot specify usePreviousValue as true for a parameter key not in the previous template`,
        );
      }
      value = before.ParameterValue;
    } else if (given && given.ParameterValue !== undefined) value = given.ParameterValue;
    else if (definition.Default !== undefined) value = stringDefault(definition.Default);
    if (value === undefined) {
      missing.push(key);
      continue;
    }
    parameters.push({ ParameterKey: key, ParameterValue: value });
    values[key] = isListType(definition.Type) ? (value === '' ? [] : value.split(',')) : value;
    if (definition.NoEcho === true || String(definition.NoEcho).toLowerCase() === 'true') noEcho.push(key);
  }
  if (missing.length > 0) throw new ParameterError(`Parameters: [${missing.join(', ')}] must have values`);
  return { parameters, noEcho, values };
}
