// What an update would change, as a change set lists it: resources added, modified (in place or by
// replacement) or removed, worked out from the new template evaluated against the stack as it is.
import { isDeepStrictEqual } from 'node:util';
import { evaluate, type PseudoParameters } from './engine/intrinsics.js';
import { evalContext, evaluateOutputs, type PreparedStack } from './engine/prepare.js';
import type { LifecycleEnv } from './lifecycle.js';
import { isLive, type ResourceChange, type Stack } from './model.js';

export interface PlannedUpdate {
  changes: ResourceChange[];
  /** True when applying the update would change nothing at all (CloudFormation's "No updates"). */
  empty: boolean;
}

/** The changes from `stack` (its resources as they are) to `prepared`; no stack: everything is added. */
export function planChanges(
  stack: Stack | undefined,
  prepared: PreparedStack,
  pseudo: PseudoParameters,
  spec: Pick<LifecycleEnv, 'replacingChanges' | 'normalizeProperties'>,
  importValue: (name: string) => string | undefined,
): PlannedUpdate {
  const resources = stack?.resources ?? {};
  const changes: ResourceChange[] = [];
  const ctx = evalContext(prepared, pseudo, {
    resourceRef(id) {
      const physical = resources[id]?.PhysicalResourceId;
      if (physical === undefined || !isLive(resources[id])) throw new Error(`${id} does not exist yet`);
      return physical;
    },
    resourceAttribute(id, attribute) {
      const attributes = resources[id]?.attributes ?? {};
      if (!isLive(resources[id]) || !Object.hasOwn(attributes, attribute))
        throw new Error(`${id}.${attribute} unknown yet`);
      return attributes[attribute];
    },
    importValue,
  });
  // Resources whose physical id or attributes may change: what refers to them changes too (Dynamic).
  const moving = new Set<string>();
  for (const id of prepared.order) {
    const definition = prepared.resources[id];
    if (!definition) continue;
    const current = resources[id];
    if (!isLive(current)) {
      changes.push({
        Action: 'Add',
        LogicalResourceId: id,
        ResourceType: definition.Type,
        Scope: [],
        Details: [],
      });
      moving.add(id);
      continue;
    }
    let properties: Record<string, unknown> | undefined;
    try {
      properties = spec.normalizeProperties(
        definition.Type,
        evaluate(definition.Properties ?? {}, ctx) as Record<string, unknown>,
      );
    } catch {
      properties = undefined;
    }
    const previous = current.properties ?? {};
    if (properties && isDeepStrictEqual(properties, previous) && definition.Type === current.ResourceType)
      continue;
    const replacing = properties ? spec.replacingChanges(definition.Type, previous, properties) : [];
    const keys = properties
      ? [...new Set([...Object.keys(previous), ...Object.keys(properties)])].filter(
          (key) => !isDeepStrictEqual(previous[key], properties?.[key]),
        )
      : Object.keys(definition.Properties ?? {});
    const dynamic = properties === undefined;
    const recreates = (key: string) => replacing.some((path) => path === key || path.startsWith(`${key}/`));
    const replaces = replacing.length > 0;
    const replacement =
      definition.Type !== current.ResourceType || (replaces && !dynamic)
        ? 'True'
        : replaces
          ? 'Conditional'
          : 'False';
    if (replacement !== 'False') moving.add(id);
    changes.push({
      Action: 'Modify',
      LogicalResourceId: id,
      PhysicalResourceId: current.PhysicalResourceId,
      ResourceType: definition.Type,
      Replacement: replacement,
      Scope: ['Properties'],
      Details: keys.map((key) => ({
        Target: {
          Attribute: 'Properties',
          Name: key,
          RequiresRecreation: recreates(key) ? 'Always' : 'Never',
        },
        Evaluation: dynamic ? 'Dynamic' : 'Static',
        ChangeSource: 'DirectModification',
      })),
    });
  }
  for (const [id, current] of Object.entries(resources)) {
    if (!isLive(current) || Object.hasOwn(prepared.resources, id)) continue;
    changes.push({
      Action: 'Remove',
      LogicalResourceId: id,
      PhysicalResourceId: current.PhysicalResourceId,
      ResourceType: current.ResourceType,
      Scope: [],
      Details: [],
    });
  }
  let outputsSame = false;
  try {
    outputsSame = stack !== undefined && isDeepStrictEqual(evaluateOutputs(prepared, ctx), stack.Outputs);
  } catch {
    outputsSame = false;
  }
  return { changes, empty: changes.length === 0 && outputsSame && moving.size === 0 };
}
