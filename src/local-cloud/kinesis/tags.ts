// Stream tags, kept by the edge (kinesalite refuses characters AWS allows, such as ':'), with AWS's rules:
// at most 50 a stream, keys of 1-128 and values of 0-256 characters from a restricted set.
import { LOCAL_ACCOUNT_ID } from '../options.js';
import { invalidArgument } from './errors.js';
import { expectList, expectObject, expectString, Violations } from './validation.js';

export type Tags = Record<string, string>;

export const MAX_TAGS = 50;
const ALLOWED = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** The tags of an AddTagsToStream, TagResource or CreateStream input, checked. */
export function tagsInput(value: unknown, path = 'tags'): Tags | undefined {
  const tags = expectObject(value);
  if (tags === undefined) return undefined;
  const violations = new Violations();
  const entries = Object.entries(tags).map(([key, v]) => [key, expectString(v) ?? ''] as const);
  if (entries.length < 1)
    violations.add({ kind: 'text', text: '{}' }, path, 'Member must have length greater than or equal to 1');
  for (const [key, v] of entries) {
    violations.string(key, `${path}.key`, { min: 1, max: 128 });
    violations.string(v, `${path}.${key}.member`, { max: 256 });
  }
  violations.throwIfAny();
  if (entries.some(([key, v]) => !ALLOWED.test(key) || !ALLOWED.test(v))) {
    throw invalidArgument(
      'Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . : / = + - @.',
    );
  }
  return Object.fromEntries(entries);
}

export function tagKeysInput(value: unknown): string[] {
  const keys = expectList(value);
  const violations = new Violations();
  if (keys === undefined) violations.add({ kind: 'null' }, 'tagKeys', 'Member must not be null');
  violations.throwIfAny();
  return (keys ?? []).map((key) => expectString(key) ?? '');
}

/** The stream's tags with `added` applied, refused past 50. */
export function withTags(stream: string, current: Tags | undefined, added: Tags): Tags {
  const next = { ...current, ...added };
  if (Object.keys(next).length > MAX_TAGS) {
    throw invalidArgument(
      `Failed to add tags to stream ${stream} under account ${LOCAL_ACCOUNT_ID} because a given stream cannot have more than ${MAX_TAGS} tags associated with it.`,
    );
  }
  return next;
}

export function withoutTags(current: Tags | undefined, keys: readonly string[]): Tags {
  const next = { ...current };
  for (const key of keys) delete next[key];
  return next;
}

/** Tags as the API lists them, by key. */
export function tagList(tags: Tags | undefined): { Key: string; Value: string }[] {
  return Object.keys(tags ?? {})
    .sort()
    .map((key) => ({ Key: key, Value: (tags as Tags)[key] as string }));
}
