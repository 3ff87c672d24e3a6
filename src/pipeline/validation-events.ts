// What CloudFormation's pre-deployment validation found, read back with DescribeEvents: a change set (or a
// CreateStack) that failed it says only which check failed ("The following hook(s)/validation failed:
// [AWS::EarlyValidation::PropertyValidation]. To troubleshoot Early Validation errors, use the
// DescribeEvents API ..."); the resource, the path into the template and the reason are in the events.
// (AWS CloudFormation User Guide, "Validate stack deployments"; API reference, DescribeEvents.)
import {
  type CloudFormationClient,
  DescribeEventsCommand,
  type OperationEvent,
} from '@aws-sdk/client-cloudformation';

export interface ValidationFailure {
  logicalId: string;
  resourceType: string;
  /** CloudFormation's name for the check: PROPERTY_VALIDATION, NAME_CONFLICT_VALIDATION, ... */
  check: string;
  /** FAIL stops the operation; WARN lets it go on. */
  mode: string;
  /** Where in the template (`/Resources/Stream/Properties/ShardCount`), when CloudFormation says. */
  path?: string;
  reason: string;
}

export type ValidationLookup =
  | { kind: 'found'; failures: ValidationFailure[] }
  /** The endpoint does not have DescribeEvents (an older AWS-compatible one), or refused it. */
  | { kind: 'unavailable'; why: string };

/** The errors an endpoint answers an operation it does not have with (AWS's, LocalStack's, moto's). */
const UNKNOWN_OPERATION = /^(InvalidAction|UnknownOperation|UnknownOperationException|NotImplemented)$/;

function toFailure(event: OperationEvent): ValidationFailure {
  return {
    logicalId: event.LogicalResourceId ?? '',
    resourceType: event.ResourceType ?? '',
    check: event.ValidationName ?? '',
    mode: event.ValidationFailureMode ?? 'FAIL',
    ...(event.ValidationPath ? { path: event.ValidationPath } : {}),
    reason: event.ValidationStatusReason ?? event.ResourceStatusReason ?? 'no reason given',
  };
}

/** The failed validation events of a change set (by name) or of an operation (by id), every page. */
export async function validationFailures(
  cf: CloudFormationClient,
  query: { stackId: string; changeSetName?: string; operationId?: string },
): Promise<ValidationLookup> {
  const failures: ValidationFailure[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await cf.send(
        new DescribeEventsCommand({
          ...(query.changeSetName
            ? { StackName: query.stackId, ChangeSetName: query.changeSetName }
            : query.operationId
              ? { OperationId: query.operationId }
              : { StackName: query.stackId }),
          Filters: { FailedEvents: true },
          NextToken: token,
        }),
      );
      for (const event of page.OperationEvents ?? []) {
        if (event.EventType === 'VALIDATION_ERROR') failures.push(toFailure(event));
      }
      token = page.NextToken;
    } while (token);
  } catch (error) {
    const name = (error as Error).name ?? '';
    if (UNKNOWN_OPERATION.test(name) || /could not find operation|unknown operation/i.test(String(error))) {
      return { kind: 'unavailable', why: 'this endpoint has no DescribeEvents' };
    }
    if (/AccessDenied/.test(name)) {
      return { kind: 'unavailable', why: 'DescribeEvents was refused: allow cloudformation:DescribeEvents' };
    }
    return { kind: 'unavailable', why: `DescribeEvents failed: ${(error as Error).message}` };
  }
  return { kind: 'found', failures };
}

/** What to do about the failures, by the checks that found them. */
export function validationAdvice(failures: readonly ValidationFailure[]): string {
  const checks = new Set(failures.filter((f) => f.mode !== 'WARN').map((f) => f.check));
  const advice: string[] = [];
  if (checks.has('PROPERTY_VALIDATION'))
    advice.push(
      'Fix the property at that path in the template (or the --param value that sets it), then deploy again.',
    );
  if (checks.has('NAME_CONFLICT_VALIDATION'))
    advice.push(
      'Another resource already has that name: choose another name (its parameter), or delete the other resource, then deploy again.',
    );
  if (advice.length === 0) advice.push('Fix what the reason names, then deploy again.');
  return advice.join(' ');
}

/** One failure on a line: `Stream (AWS::Kinesis::Stream) at /Resources/Stream/Properties/ShardCount: reason`. */
export function failureLine(f: ValidationFailure): string {
  const where = f.path ? ` at ${f.path}` : '';
  return `${f.logicalId}${f.resourceType ? ` (${f.resourceType})` : ''}${where}: ${f.reason.replace(/\.$/, '')}`;
}
