// CloudFormation's pre-deployment ("early") validation: what CreateStack, UpdateStack and CreateChangeSet
// check after the template is read and before anything is provisioned, and how each failure is told.
//
// Facts (AWS CloudFormation User Guide, "Validate stack deployments",
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/validate-stack-deployments.html):
// - Property syntax validation (against the resource schemas) and resource name conflict detection run on
//   CreateStack, UpdateStack and CreateChangeSet; S3 bucket emptiness runs on change sets only.
// - FAIL mode (properties, name conflicts): a change set goes FAILED and cannot be executed; CreateStack and
//   UpdateStack fail before any resource is provisioned, and the stack status shows it. WARN mode (bucket
//   emptiness): the change set is created and the warning is there to read before executing it.
// - The details are read with DescribeEvents (API reference: API_DescribeEvents.html, API_OperationEvent.html):
//   events of EventType VALIDATION_ERROR with ValidationName, ValidationStatus, ValidationStatusReason,
//   ValidationPath, ValidationFailureMode. DescribeStackEvents does not carry them.
// Wording seen from AWS (the docs give none), in public captures:
// - change set StatusReason "The following hook(s)/validation failed: [AWS::EarlyValidation::PropertyValidation].
//   To troubleshoot Early Validation errors, use the DescribeEvents API for detailed failure information."
//   (aws-cloudformation/rain#744, aws/aws-cdk-cli#1000), ResourceExistenceCheck for name conflicts;
// - ValidationName NAME_CONFLICT_VALIDATION and BUCKET_EMPTINESS_VALIDATION with their reasons (rain#744),
//   ValidationPath `/Resources/<LogicalId>[/Properties/...]` (aws/aws-cdk-cli#1463);
// - a stack whose own create failed validation: "Validation failure detected. See the operation's FAILED
//   event for details."
// Where the docs are silent and no capture shows it, the closest documented behaviour is chosen: the
// property check's ValidationName is PROPERTY_VALIDATION, its reasons are the resource specification's
// (src/template/validate.ts), and a stack whose create or update fails validation rolls back as any failed
// create or update does (nothing was provisioned, so the rollback is quick).
import type { TemplateProblem } from '../../template/types.js';
import { evaluate, intrinsicName, NO_VALUE, type PseudoParameters } from './engine/intrinsics.js';
import { evalContext, type PreparedStack } from './engine/prepare.js';

export type ValidationName =
  | 'PROPERTY_VALIDATION'
  | 'NAME_CONFLICT_VALIDATION'
  | 'BUCKET_EMPTINESS_VALIDATION';

/** One failed check: what DescribeEvents answers as a VALIDATION_ERROR event. */
export interface ValidationFinding {
  name: ValidationName;
  mode: 'FAIL' | 'WARN';
  logicalId: string;
  resourceType: string;
  physicalId?: string;
  reason: string;
  /** Where in the template: `/Resources/<LogicalId>/Properties/<path>`. */
  path: string;
}

/** The hook name the change set's StatusReason lists for each check that fails it. */
const HOOKS: Record<ValidationName, string> = {
  PROPERTY_VALIDATION: 'AWS::EarlyValidation::PropertyValidation',
  NAME_CONFLICT_VALIDATION: 'AWS::EarlyValidation::ResourceExistenceCheck',
  // WARN mode never fails a change set, so this name is never shown (no capture gives one).
  BUCKET_EMPTINESS_VALIDATION: 'AWS::EarlyValidation::BucketEmptinessCheck',
};

export const STACK_VALIDATION_REASON =
  "Validation failure detected. See the operation's FAILED event for details.";

/** The findings that stop the operation (FAIL mode). */
export function blocking(findings: readonly ValidationFinding[]): ValidationFinding[] {
  return findings.filter((finding) => finding.mode === 'FAIL');
}

/** The StatusReason of a change set that FAIL-mode findings failed. */
export function changeSetFailureReason(findings: readonly ValidationFinding[]): string {
  const hooks = [...new Set(blocking(findings).map((finding) => HOOKS[finding.name]))];
  return `The following hook(s)/validation failed: [${hooks.join(', ')}]. To troubleshoot Early Validation errors, use the DescribeEvents API for detailed failure information.`;
}

export function resourcePath(logicalId: string, propertyPath?: string): string {
  if (propertyPath === undefined) return `/Resources/${logicalId}`;
  return `/Resources/${logicalId}/Properties${propertyPath ? `/${propertyPath}` : ''}`;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A resource's properties with everything known before provisioning evaluated (parameters, pseudo
 * parameters, mappings, conditions); what needs another resource (Ref, Fn::GetAtt) stays as written, for
 * the property check to take as "some value of the right kind".
 */
export function knownProperties(
  prepared: PreparedStack,
  pseudo: PseudoParameters,
  logicalId: string,
): Record<string, unknown> {
  const unknown = () => {
    throw new Error('known only once resources exist');
  };
  const ctx = evalContext(prepared, pseudo, {
    resourceRef: unknown,
    resourceAttribute: unknown,
    importValue: () => undefined,
  });
  const partial = (value: unknown): unknown => {
    try {
      return evaluate(value, ctx);
    } catch {
      if (intrinsicName(value)) return value;
      if (Array.isArray(value)) return value.map(partial).filter((item) => item !== NO_VALUE);
      if (isRecord(value)) {
        const result: Record<string, unknown> = {};
        for (const [key, item] of Object.entries(value)) {
          const evaluated = partial(item);
          if (evaluated !== NO_VALUE) result[key] = evaluated;
        }
        return result;
      }
      return value;
    }
  };
  const properties = partial(prepared.resources[logicalId]?.Properties ?? {});
  return isRecord(properties) ? properties : {};
}

/** Property syntax validation: every resource the conditions keep, against its schema. */
export function propertyFindings(
  prepared: PreparedStack,
  pseudo: PseudoParameters,
  problems: (type: string, properties: Record<string, unknown>) => readonly TemplateProblem[],
): ValidationFinding[] {
  const findings: ValidationFinding[] = [];
  for (const [logicalId, resource] of Object.entries(prepared.resources)) {
    for (const problem of problems(resource.Type, knownProperties(prepared, pseudo, logicalId))) {
      findings.push({
        name: 'PROPERTY_VALIDATION',
        mode: 'FAIL',
        logicalId,
        resourceType: resource.Type,
        reason: problem.message,
        path: resourcePath(logicalId, problem.path),
      });
    }
  }
  return findings;
}

/** What the name checks need to know of a resource the operation would create. */
export interface NamedResource {
  logicalId: string;
  resourceType: string;
  /** The name the template gives it (its type's name property). */
  name: string;
  nameProperty: string;
}

/** Resource name conflict detection: a name the template asks for that another resource already has. */
export async function nameConflictFindings(
  named: readonly NamedResource[],
  exists: (resourceType: string, name: string) => Promise<boolean>,
): Promise<ValidationFinding[]> {
  const findings: ValidationFinding[] = [];
  for (const resource of named) {
    if (!(await exists(resource.resourceType, resource.name))) continue;
    findings.push({
      name: 'NAME_CONFLICT_VALIDATION',
      mode: 'FAIL',
      logicalId: resource.logicalId,
      resourceType: resource.resourceType,
      physicalId: resource.name,
      reason: `Resource of type '${resource.resourceType}' with identifier '${resource.name}' already exists.`,
      path: resourcePath(resource.logicalId, resource.nameProperty),
    });
  }
  return findings;
}

/** S3 bucket emptiness (change sets only, WARN): a bucket the change set deletes still holds objects. */
export function bucketNotEmpty(logicalId: string, bucket: string): ValidationFinding {
  return {
    name: 'BUCKET_EMPTINESS_VALIDATION',
    mode: 'WARN',
    logicalId,
    resourceType: 'AWS::S3::Bucket',
    physicalId: bucket,
    reason: `The bucket '${bucket}' is not empty. You must either delete all objects and versions or use the deletion policy to retain it, otherwise the delete operation will fail.`,
    path: resourcePath(logicalId),
  };
}
