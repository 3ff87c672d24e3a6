// The stack model: what CloudFormation remembers about a stack, its resources, events and change sets.
// Field names follow the API's (StackStatus, LogicalResourceId, ...) so the wire layer serializes them as
// they are; timestamps are ISO-8601 strings, as persisted.
import type { ValidationFinding } from './early-validation.js';

export type StackStatus =
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_FAILED'
  | 'CREATE_COMPLETE'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_FAILED'
  | 'ROLLBACK_COMPLETE'
  | 'DELETE_IN_PROGRESS'
  | 'DELETE_FAILED'
  | 'DELETE_COMPLETE'
  | 'UPDATE_IN_PROGRESS'
  | 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'
  | 'UPDATE_COMPLETE'
  | 'UPDATE_FAILED'
  | 'UPDATE_ROLLBACK_IN_PROGRESS'
  | 'UPDATE_ROLLBACK_FAILED'
  | 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'
  | 'UPDATE_ROLLBACK_COMPLETE'
  | 'REVIEW_IN_PROGRESS';

export type ResourceStatus =
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_FAILED'
  | 'CREATE_COMPLETE'
  | 'DELETE_IN_PROGRESS'
  | 'DELETE_FAILED'
  | 'DELETE_COMPLETE'
  | 'DELETE_SKIPPED'
  | 'UPDATE_IN_PROGRESS'
  | 'UPDATE_FAILED'
  | 'UPDATE_COMPLETE';

export const STACK_RESOURCE_TYPE = 'AWS::CloudFormation::Stack';

export interface StackParameter {
  ParameterKey: string;
  ParameterValue: string;
}

export interface StackOutput {
  OutputKey: string;
  OutputValue: string;
  Description?: string;
  ExportName?: string;
}

export interface Tag {
  Key: string;
  Value: string;
}

export interface StackEvent {
  EventId: string;
  StackId: string;
  StackName: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceType: string;
  Timestamp: string;
  ResourceStatus: StackStatus | ResourceStatus;
  ResourceStatusReason?: string;
  ResourceProperties?: string;
  ClientRequestToken?: string;
  /** The operation (CreateStack, UpdateStack, an executed change set, DeleteStack) it belongs to. */
  OperationId?: string;
}

export interface ResourceState {
  LogicalResourceId: string;
  ResourceType: string;
  PhysicalResourceId?: string;
  /**
   * The name a create in progress asked for (its name property), recorded before the call: if the local
   * cloud stops before the service's answer is recorded, the rollback after the restart still knows what
   * to delete.
   */
  requestedName?: string;
  ResourceStatus: ResourceStatus;
  ResourceStatusReason?: string;
  LastUpdatedTimestamp: string;
  /** The evaluated properties the resource was last created or updated with (to tell what an update changes). */
  properties?: Record<string, unknown>;
  /** Its Fn::GetAtt values. */
  attributes?: Record<string, unknown>;
  /** DeletionPolicy in force (from the template that created or last updated it). */
  deletionPolicy?: string;
  description?: string;
  metadata?: unknown;
}

/** The inputs of a create or an update: the template and everything that goes with it. */
export interface StackDefinition {
  templateBody: string;
  parameters: StackParameter[];
  capabilities: string[];
  tags: Tag[];
  /** Parameters whose values are masked in every answer. */
  noEcho: string[];
}

export type ChangeSetStatus =
  | 'CREATE_PENDING'
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_COMPLETE'
  | 'DELETE_COMPLETE'
  | 'FAILED';
export type ExecutionStatus =
  | 'UNAVAILABLE'
  | 'AVAILABLE'
  | 'EXECUTE_IN_PROGRESS'
  | 'EXECUTE_COMPLETE'
  | 'EXECUTE_FAILED'
  | 'OBSOLETE';

export interface ResourceChange {
  Action: 'Add' | 'Modify' | 'Remove';
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceType: string;
  Replacement?: 'True' | 'False' | 'Conditional';
  Scope: string[];
  Details: Array<{
    Target: { Attribute: string; Name?: string; RequiresRecreation: 'Never' | 'Conditionally' | 'Always' };
    Evaluation: 'Static' | 'Dynamic';
    ChangeSource: 'DirectModification' | 'ResourceReference' | 'ParameterReference' | 'ResourceAttribute';
    CausingEntity?: string;
  }>;
}

export interface ChangeSet {
  ChangeSetId: string;
  ChangeSetName: string;
  ChangeSetType: 'CREATE' | 'UPDATE';
  Description?: string;
  CreationTime: string;
  Status: ChangeSetStatus;
  StatusReason?: string;
  ExecutionStatus: ExecutionStatus;
  definition: StackDefinition;
  changes: ResourceChange[];
  /** The CREATE_CHANGESET operation that made it (DescribeEvents by change set). */
  OperationId?: string;
}

/**
 * A stack operation's pre-deployment validation (early-validation.ts): what DescribeEvents answers by
 * stack, change set or operation id. Kept with the stack, so it outlives a deleted change set.
 */
export interface OperationRecord {
  OperationId: string;
  OperationType: 'CREATE_STACK' | 'UPDATE_STACK' | 'DELETE_STACK' | 'CREATE_CHANGESET';
  ChangeSetId?: string;
  ChangeSetName?: string;
  StartTime: string;
  EndTime: string;
  /** Every check that failed, FAIL and WARN mode. */
  findings: ValidationFinding[];
}

export interface Stack {
  StackId: string;
  StackName: string;
  Description?: string;
  StackStatus: StackStatus;
  StackStatusReason?: string;
  CreationTime: string;
  LastUpdatedTime?: string;
  DeletionTime?: string;
  DisableRollback: boolean;
  EnableTerminationProtection: boolean;
  TimeoutInMinutes?: number;
  RoleARN?: string;
  NotificationARNs: string[];
  /** The change set the stack was last created or updated from. */
  ChangeSetId?: string;
  /** What the stack is (or is becoming, during an update). */
  definition: StackDefinition;
  /** What it was before the update in progress: an update rollback goes back to it. */
  previous?: StackDefinition;
  Outputs: StackOutput[];
  /** Export names the stack's template imports (Fn::ImportValue): their exporters cannot take them away. */
  imports?: string[];
  resources: Record<string, ResourceState>;
  /** The update in progress, kept so a rollback (even after a restart) can put everything back. */
  update?: UpdateJournal;
  /** Oldest first, as they happened; the API answers newest first. */
  events: StackEvent[];
  changeSets: ChangeSet[];
  /** Oldest first. Absent in stacks stored before operations were recorded. */
  operations?: OperationRecord[];
  /** The operation whose events are being recorded (kept across a restart: recovery finishes it). */
  activeOperationId?: string;
}

/** A physical resource that an operation left behind and its cleanup phase deletes. */
export interface ObsoleteResource {
  LogicalResourceId: string;
  ResourceType: string;
  PhysicalResourceId: string;
  properties: Record<string, unknown>;
}

export interface UpdateJournal {
  /** Each resource the update touched, as it was before (null: the update added it). */
  before: Record<string, ResourceState | null>;
  /** Old resources replaced by new ones: deleted once the update completes. */
  replaced: ObsoleteResource[];
}

/** A resource that exists (or is being made): not deleted, not left behind by a delete. */
export function isLive(resource: ResourceState | undefined): resource is ResourceState {
  return (
    resource !== undefined &&
    resource.ResourceStatus !== 'DELETE_COMPLETE' &&
    resource.ResourceStatus !== 'DELETE_SKIPPED'
  );
}

export function isInProgress(status: StackStatus): boolean {
  return status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS';
}

/** NoEcho parameters show as asterisks everywhere CloudFormation answers with them. */
export function maskedParameters(definition: StackDefinition): StackParameter[] {
  return definition.parameters.map((p) =>
    definition.noEcho.includes(p.ParameterKey) ? { ...p, ParameterValue: '****' } : p,
  );
}
