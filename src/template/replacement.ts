// Which changes to a resource's properties make CloudFormation replace it (create a new one, then delete
// the old) rather than update it in place, per the resource specification's create-only properties.
import { isDeepStrictEqual } from 'node:util';
import type { PropertySpec, ResourceTypeSpec, ValueType } from './spec.js';

/**
 * The paths (`Name`, `StreamEncryption/KeyId`) of the changes between two sets of resolved properties
 * that require replacement. Empty: the update happens in place. Properties the spec marks as replacing
 * only for some changes (`maybe`) are not counted: the local cloud updates them in place.
 */
export function replacingChanges(
  spec: ResourceTypeSpec,
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): string[] {
  return changedPaths(spec.properties, before, after, '');
}

function changedPaths(
  properties: ReadonlyMap<string, PropertySpec>,
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
  prefix: string,
): string[] {
  const paths: string[] = [];
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const old = before[name];
    const now = after[name];
    if (sameValue(old, now)) continue;
    const property = properties.get(name);
    if (!property) continue;
    const path = `${prefix}${name}`;
    if (property.replacement === 'yes') paths.push(path);
    else paths.push(...nestedChanges(property.type, old, now, `${path}/`));
  }
  return paths;
}

function nestedChanges(type: ValueType, before: unknown, after: unknown, prefix: string): string[] {
  if (type.kind === 'object') {
    // An object added or removed as a whole counts as each of its properties appearing or going.
    return changedPaths(
      type.properties,
      isRecord(before) ? before : {},
      isRecord(after) ? after : {},
      prefix,
    );
  }
  if (type.kind === 'list' && Array.isArray(before) && Array.isArray(after)) {
    const paths: string[] = [];
    for (let index = 0; index < Math.max(before.length, after.length); index += 1) {
      if (!sameValue(before[index], after[index])) {
        paths.push(...nestedChanges(type.element, before[index], after[index], `${prefix}${index}/`));
      }
    }
    return paths;
  }
  return [];
}

// CloudFormation compares scalars as the strings it keeps them as: 5 and "5" are the same value.
function sameValue(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(normalize(a), normalize(b));
}

function normalize(value: unknown): unknown {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(normalize);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
