// The Conditions section, evaluated once per operation from the parameters: each condition may use
// parameters, pseudo parameters, mappings and other conditions, never resources.
import { type EvalContext, evaluate, TemplateError } from './intrinsics.js';

export type ConditionValues = Readonly<Record<string, boolean>>;

export function evaluateConditions(
  conditions: Readonly<Record<string, unknown>> | undefined,
  base: Omit<EvalContext, 'condition' | 'resourceRef' | 'resourceAttribute'>,
): ConditionValues {
  const values: Record<string, boolean> = {};
  const evaluating = new Set<string>();
  const ctx: EvalContext = {
    ...base,
    condition(name) {
      if (Object.hasOwn(values, name)) return values[name] as boolean;
      if (!conditions || !Object.hasOwn(conditions, name)) {
        throw new TemplateError(
          `Template format error: Unresolved dependencies [${name}]. Cannot reference resources in the Conditions block of the template`,
        );
      }
      if (evaluating.has(name)) {
        throw new TemplateError(
          `Template error: circular dependency between conditions: [${[...evaluating].join(', ')}]`,
        );
      }
      evaluating.add(name);
      const value = evaluate(conditions[name], ctx);
      evaluating.delete(name);
      if (typeof value !== 'boolean') {
        throw new TemplateError(
          `Template format error: Conditions can only be boolean operations on parameters and other conditions`,
        );
      }
      values[name] = value;
      return value;
    },
    resourceRef(name) {
      throw new TemplateError(
        `Template format error: Unresolved dependencies [${name}]. Cannot reference resources in the Conditions block of the template`,
      );
    },
    resourceAttribute(name) {
      throw new TemplateError(
        `Template format error: Unresolved dependencies [${name}]. Cannot reference resources in the Conditions block of the template`,
      );
    },
  };
  for (const name of Object.keys(conditions ?? {})) ctx.condition(name);
  return values;
}

/** A condition's value by name, for resources, outputs and Fn::If; an unknown name is the template's error. */
export function conditionLookup(values: ConditionValues): (name: string) => boolean {
  return (name) => {
    if (!Object.hasOwn(values, name)) {
      throw new TemplateError(
        `Template format error: Unresolved dependencies [${name}]. Cannot find condition ${name} in the Conditions block of the template`,
      );
    }
    return values[name] as boolean;
  };
}
