// What the local CloudFormation asks of the resource specification (src/template/): whether a template
// is acceptable, whether a resource's evaluated properties are, and which changes replace a resource.
import { replacingChanges } from '../../template/replacement.js';
import { resourceSpecification } from '../../template/spec.js';
import type { Template, TemplateProblem } from '../../template/types.js';
import {
  propertiesValidationReason,
  templateRejection,
  validateResourceProperties,
} from '../../template/validate.js';
import { coerceProperties } from './coerce.js';
import type { Properties } from './provisioners/types.js';

export interface SpecHooks {
  /** The first problem CloudFormation refuses a template for outright (properties aside: those are the
   *  pre-deployment validation's, `propertyProblems`), or undefined. */
  templateProblem(template: Template): string | undefined;
  propertiesProblem(type: string, properties: Properties): string | undefined;
  propertyProblems(type: string, properties: Properties): TemplateProblem[];
  replacingChanges(type: string, before: Properties, after: Properties): string[];
  normalizeProperties(type: string, properties: Properties): Properties;
}

export const resourceSpecHooks: SpecHooks = {
  normalizeProperties: coerceProperties,
  templateProblem: (template) => templateRejection(template),
  propertyProblems: (type, properties) => validateResourceProperties(type, properties),
  propertiesProblem: (type, properties) =>
    propertiesValidationReason(validateResourceProperties(type, properties)),
  replacingChanges: (type, before, after) => {
    const spec = resourceSpecification().resourceType(type);
    return spec ? replacingChanges(spec, before, after) : [];
  },
};
