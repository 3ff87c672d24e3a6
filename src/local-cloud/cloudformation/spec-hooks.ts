// What the local CloudFormation asks of the resource specification (src/template/): whether a template
// is acceptable, whether a resource's evaluated properties are, and which changes replace a resource.
import { replacingChanges } from '../../template/replacement.js';
import { resourceSpecification } from '../../template/spec.js';
import type { Template } from '../../template/types.js';
import {
  propertiesValidationReason,
  templateRejection,
  validateResourceProperties,
  validateTemplate,
} from '../../template/validate.js';
import { coerceProperties } from './coerce.js';
import type { Properties } from './provisioners/types.js';

export interface SpecHooks {
  /** The first problem CloudFormation would answer CreateStack with (ValidateTemplate with `syntaxOnly`:
   *  properties aside), or undefined. */
  templateProblem(template: Template, options?: { syntaxOnly?: boolean }): string | undefined;
  propertiesProblem(type: string, properties: Properties): string | undefined;
  replacingChanges(type: string, before: Properties, after: Properties): string[];
  normalizeProperties(type: string, properties: Properties): Properties;
}

export const resourceSpecHooks: SpecHooks = {
  normalizeProperties: coerceProperties,
  templateProblem: (template, options) =>
    options?.syntaxOnly ? templateRejection(template) : validateTemplate(template)[0]?.message,
  propertiesProblem: (type, properties) =>
    propertiesValidationReason(validateResourceProperties(type, properties)),
  replacingChanges: (type, before, after) => {
    const spec = resourceSpecification().resourceType(type);
    return spec ? replacingChanges(spec, before, after) : [];
  },
};
