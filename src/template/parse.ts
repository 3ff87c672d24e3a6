// CloudFormation templates as plain data: YAML (with the short-form intrinsic tags) or JSON in,
// the JSON long form out (`!GetAtt A.B` -> `{ "Fn::GetAtt": ["A", "B"] }`), so everything downstream
// handles one shape.
import { type CollectionTag, parse as parseYaml, type ScalarTag, type Tags, YAMLParseError } from 'yaml';
import type { Template } from './types.js';

const FUNCTIONS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
  'ToJsonString',
  'Length',
] as const;

function longForm(tag: string): string {
  return tag === 'Ref' || tag === 'Condition' ? tag : `Fn::${tag}`;
}

function tagsFor(tag: string): Array<ScalarTag | CollectionTag> {
  const key = longForm(tag);
  const wrap = (value: unknown) => ({ [key]: value });
  return [
    {
      tag: `!${tag}`,
      resolve: (value: string) => (tag === 'GetAtt' ? wrap(splitGetAtt(value)) : wrap(value)),
    } as ScalarTag,
    { tag: `!${tag}`, collection: 'seq', resolve: (seq) => wrap(seq.toJSON()) } as CollectionTag,
    { tag: `!${tag}`, collection: 'map', resolve: (map) => wrap(map.toJSON()) } as CollectionTag,
  ];
}

/** `!GetAtt Resource.Attr.With.Dots` names the resource before the first dot, the attribute after it. */
function splitGetAtt(value: string): [string, string] {
  const dot = value.indexOf('.');
  return dot < 0 ? [value, ''] : [value.slice(0, dot), value.slice(dot + 1)];
}

const intrinsicTags = ['Ref', 'Condition', 'GetAtt', ...FUNCTIONS].flatMap(tagsFor);

/**
 * YAML 1.1's tags without `timestamp`: CloudFormation reads an unquoted `2012-10-17` (a policy document's
 * Version, as most templates write it) as the string it is, where YAML 1.1 would make it a date, and the
 * date would reach IAM as `2012-10-17T00:00:00.000Z` (MalformedPolicyDocument).
 */
function customTags(tags: Tags): Tags {
  const kept = tags.filter((t) => (typeof t === 'string' ? t : t.tag) !== 'tag:yaml.org,2002:timestamp');
  return [...kept, ...intrinsicTags];
}

export class TemplateFormatError extends Error {
  override name = 'TemplateFormatError';
}

/** Parses a template body. Throws TemplateFormatError with the line of the problem when it is not valid. */
export function parseTemplate(body: string): Template {
  const trimmed = body.trimStart();
  let value: unknown;
  try {
    value = trimmed.startsWith('{')
      ? JSON.parse(body)
      : parseYaml(body, { customTags, version: '1.1', uniqueKeys: true, maxAliasCount: 100 });
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const where = error.linePos ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '';
      throw new TemplateFormatError(`YAML not well-formed${where}: ${error.message.split('\n')[0]}`);
    }
    if (error instanceof SyntaxError) throw new TemplateFormatError(`JSON not well-formed: ${error.message}`);
    throw error;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TemplateFormatError('the template is not a map of sections (Parameters, Resources, ...)');
  }
  return value as Template;
}
