// Which resources a resource waits for: DependsOn plus every Ref, Fn::GetAtt and Fn::Sub reference in its
// properties (implicit dependencies), and the order that follows, with cycles reported as CloudFormation
// reports them.
import type { TemplateResource } from '../../../template/types.js';
import {
  getAttTarget,
  intrinsicName,
  isPseudoParameter,
  parseSub,
  subArguments,
  TemplateError,
} from './intrinsics.js';

/**
 * The logical ids a value refers to (resources and parameters alike; the caller sorts them out).
 * With `condition`, only the taken branch of each Fn::If counts, as CloudFormation resolves it.
 */
export function references(value: unknown, condition?: (name: string) => boolean): Set<string> {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const name = intrinsicName(node);
    const arg = name ? (node as Record<string, unknown>)[name] : undefined;
    switch (name) {
      case 'Ref':
        if (typeof arg === 'string' && !isPseudoParameter(arg)) found.add(arg);
        return;
      case 'Fn::GetAtt': {
        found.add(getAttTarget(arg)[0]);
        if (Array.isArray(arg)) walk(arg[1]);
        return;
      }
      case 'Fn::Sub': {
        const [text, variables] = subArguments(arg);
        for (const part of parseSub(text)) {
          if (!('reference' in part) || Object.hasOwn(variables, part.reference)) continue;
          const target = part.reference.split('.')[0] as string;
          if (!isPseudoParameter(part.reference)) found.add(target);
        }
        walk(Object.values(variables));
        return;
      }
      case 'Fn::If':
        if (condition && Array.isArray(arg) && typeof arg[0] === 'string') {
          walk(condition(arg[0]) ? arg[1] : arg[2]);
          return;
        }
        walk(arg);
        return;
      case 'Condition':
        return;
      default:
        walk(name ? arg : Object.values(node));
    }
  };
  walk(value);
  return found;
}

export function dependsOnList(resource: TemplateResource): string[] {
  const value = resource.DependsOn;
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  for (const item of list) {
    if (typeof item !== 'string') {
      throw new TemplateError('Template format error: DependsOn must be a string or a list of strings');
    }
  }
  return list;
}

/**
 * Each resource's dependencies among `resources` (the resources the stack creates). A reference to a name
 * that is neither a parameter nor one of them is the template's error, worded as CloudFormation words it.
 */
export function dependencyGraph(
  resources: Readonly<Record<string, TemplateResource>>,
  parameters: ReadonlySet<string>,
  condition?: (name: string) => boolean,
): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const unresolved = new Set<string>();
  for (const [id, resource] of Object.entries(resources)) {
    const deps = new Set<string>();
    for (const name of references(resource.Properties ?? {}, condition)) {
      if (parameters.has(name)) continue;
      if (Object.hasOwn(resources, name)) deps.add(name);
      else unresolved.add(name);
    }
    for (const name of dependsOnList(resource)) {
      if (Object.hasOwn(resources, name)) deps.add(name);
      else unresolved.add(name);
    }
    graph.set(id, deps);
  }
  if (unresolved.size > 0) {
    throw new TemplateError(
      `Template format error: Unresolved resource dependencies [${[...unresolved].join(', ')}] in the Resources block of the template`,
    );
  }
  return graph;
}

/**
 * Resources in an order where each comes after what it depends on. Throws when some cannot be ordered,
 * naming them (a cycle and whatever waits on it) as CloudFormation does.
 */
export function creationOrder(graph: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const order: string[] = [];
  const placed = new Set<string>();
  let progress = true;
  while (progress) {
    progress = false;
    for (const [id, deps] of graph) {
      if (placed.has(id)) continue;
      if ([...deps].every((dep) => placed.has(dep))) {
        placed.add(id);
        order.push(id);
        progress = true;
      }
    }
  }
  if (order.length < graph.size) {
    const stuck = [...graph.keys()].filter((id) => !placed.has(id));
    throw new TemplateError(`Circular dependency between resources: [${stuck.join(', ')}]`);
  }
  return order;
}

/** Who depends on each resource: the reverse graph, for deleting dependents first. */
export function dependents(graph: ReadonlyMap<string, ReadonlySet<string>>): Map<string, Set<string>> {
  const reverse = new Map<string, Set<string>>([...graph.keys()].map((id) => [id, new Set<string>()]));
  for (const [id, deps] of graph) for (const dep of deps) reverse.get(dep)?.add(id);
  return reverse;
}
