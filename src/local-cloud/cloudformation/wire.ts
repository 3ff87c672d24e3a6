// CloudFormation's wire protocol: query-form requests in, typed inputs out; results back as the XML
// the query protocol carries (serialized by protocol/query.ts).
import type { QueryValue } from '../protocol/query.js';
import type { ParameterInput } from './engine/parameters.js';
import type { Tag } from './model.js';

export const XMLNS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

type Params = Record<string, QueryValue>;

function text(params: Params, key: string): string | undefined {
  const value = params[key];
  return typeof value === 'string' ? value : undefined;
}

function bool(params: Params, key: string): boolean | undefined {
  const value = text(params, key);
  return value === undefined ? undefined : value.toLowerCase() === 'true';
}

function int(params: Params, key: string): number | undefined {
  const value = text(params, key);
  return value === undefined ? undefined : Number(value);
}

function list(params: Params, key: string): string[] | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  // `Capabilities=` (an empty list) arrives as an empty string.
  if (typeof value === 'string') return value === '' ? [] : [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

function structs(params: Params, key: string): Array<Record<string, string>> {
  const value = params[key];
  if (!Array.isArray(value)) return [];
  return value.filter(
    (v): v is Record<string, string> => typeof v === 'object' && v !== null && !Array.isArray(v),
  );
}

function parameters(params: Params): ParameterInput[] | undefined {
  if (params.Parameters === undefined) return undefined;
  return structs(params, 'Parameters').map((p) => ({
    ParameterKey: p.ParameterKey ?? '',
    ...(p.ParameterValue !== undefined ? { ParameterValue: p.ParameterValue } : {}),
    ...(p.UsePreviousValue !== undefined
      ? { UsePreviousValue: String(p.UsePreviousValue).toLowerCase() === 'true' }
      : {}),
  }));
}

function tags(params: Params): Tag[] | undefined {
  if (params.Tags === undefined) return undefined;
  return structs(params, 'Tags').map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));
}

const defined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/** The stack-related fields most operations take, parsed and typed. */
export function stackInput(params: Params) {
  return defined({
    StackName: text(params, 'StackName'),
    TemplateBody: text(params, 'TemplateBody'),
    TemplateURL: text(params, 'TemplateURL'),
    UsePreviousTemplate: bool(params, 'UsePreviousTemplate'),
    Parameters: parameters(params),
    Capabilities: list(params, 'Capabilities'),
    Tags: tags(params),
    DisableRollback: bool(params, 'DisableRollback'),
    OnFailure: text(params, 'OnFailure'),
    TimeoutInMinutes: int(params, 'TimeoutInMinutes'),
    RoleARN: text(params, 'RoleARN'),
    NotificationARNs: list(params, 'NotificationARNs'),
    EnableTerminationProtection: bool(params, 'EnableTerminationProtection'),
    ChangeSetName: text(params, 'ChangeSetName'),
    ChangeSetType: text(params, 'ChangeSetType'),
    Description: text(params, 'Description'),
    NextToken: text(params, 'NextToken'),
    LogicalResourceId: text(params, 'LogicalResourceId'),
    PhysicalResourceId: text(params, 'PhysicalResourceId'),
    RetainResources: list(params, 'RetainResources'),
    StackStatusFilter: list(params, 'StackStatusFilter'),
    ExportName: text(params, 'ExportName'),
    OperationId: text(params, 'OperationId'),
    FailedEvents: failedEvents(params),
  });
}

/** DescribeEvents' `Filters.FailedEvents=true`. */
function failedEvents(params: Params): boolean | undefined {
  const filters = params.Filters;
  if (typeof filters !== 'object' || filters === null || Array.isArray(filters)) return undefined;
  return bool(filters, 'FailedEvents');
}
