// CloudFormation's operations: each checks its request as CloudFormation does (answering errors with its
// words), changes the stack model, and starts the lifecycle in the background. Inputs and results are
// plain objects shaped like the API's; the wire layer (wire.ts) parses and serializes them.
import { randomUUID } from 'node:crypto';
import type { Template, TemplateProblem } from '../../template/types.js';
import { ServiceError } from '../protocol/common.js';
import { planChanges } from './changes.js';
import {
  blocking,
  bucketNotEmpty,
  changeSetFailureReason,
  knownProperties,
  type NamedResource,
  nameConflictFindings,
  propertyFindings,
  type ValidationFinding,
} from './early-validation.js';
import { creationOrder, dependencyGraph } from './engine/dependencies.js';
import { type PseudoParameters, TemplateError } from './engine/intrinsics.js';
import { ParameterError, type ParameterInput } from './engine/parameters.js';
import {
  type PreparedStack,
  prepare,
  readTemplate,
  requiredCapabilities,
  TEMPLATE_BODY_LIMIT,
} from './engine/prepare.js';
import { type LifecycleEnv, OperationAbandoned, pseudoParameters, StackOperation } from './lifecycle.js';
import {
  type ChangeSet,
  isInProgress,
  isLive,
  maskedParameters,
  type OperationRecord,
  STACK_RESOURCE_TYPE,
  type Stack,
  type StackDefinition,
  type StackStatus,
  type Tag,
} from './model.js';
import { changeSetArn, isArn, stackArn } from './names.js';

export interface TemplateSource {
  TemplateBody?: string;
  TemplateURL?: string;
}

export interface StackInput extends TemplateSource {
  StackName?: string;
  Parameters?: ParameterInput[];
  Capabilities?: string[];
  Tags?: Tag[];
}

export interface CreateStackInput extends StackInput {
  DisableRollback?: boolean;
  OnFailure?: string;
  TimeoutInMinutes?: number;
  RoleARN?: string;
  NotificationARNs?: string[];
  EnableTerminationProtection?: boolean;
}

export interface UpdateStackInput extends StackInput {
  UsePreviousTemplate?: boolean;
  DisableRollback?: boolean;
}

export interface CreateChangeSetInput extends UpdateStackInput {
  ChangeSetName?: string;
  ChangeSetType?: string;
  Description?: string;
}

/**
 * What makes CloudFormation refuse a template outright (a ValidationError, on every call that reads one):
 * its form, types, references, intrinsic functions. Resource properties are not among them: they are the
 * pre-deployment validation's (early-validation.ts), which ValidateTemplate does not run.
 */
export type TemplateValidator = (template: Template) => string | undefined;

export interface ApiEnv extends LifecycleEnv {
  /** Reads a TemplateURL's object (from the local S3). */
  fetchTemplate(url: string): Promise<string>;
  validateTemplate: TemplateValidator;
  /** Every problem the resource specification finds in a resource's properties (paths within Properties). */
  propertyProblems(type: string, properties: Record<string, unknown>): readonly TemplateProblem[];
  /** Whether a resource of this type already has this name (resource name conflict detection). */
  resourceExists(type: string, name: string): Promise<boolean>;
  /** Whether a bucket holds objects (S3 bucket emptiness validation). */
  bucketHasObjects(bucket: string): Promise<boolean>;
}

const validation = (message: string) => new ServiceError('ValidationError', message);
const PAGE = 100;

function page<T>(
  items: readonly T[],
  token: string | undefined,
  size = PAGE,
): { items: T[]; NextToken?: string } {
  const start = token ? Number(Buffer.from(token, 'base64').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0) throw validation('Invalid NextToken');
  const end = start + size;
  return {
    items: items.slice(start, end),
    ...(end < items.length ? { NextToken: Buffer.from(String(end)).toString('base64') } : {}),
  };
}

/** TemplateError and ParameterError are the request's fault: CloudFormation answers a ValidationError. */
function asValidation<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof TemplateError || error instanceof ParameterError) throw validation(error.message);
    throw error;
  }
}

const STACK_NAME = /^[a-zA-Z][-a-zA-Z0-9]*$/;

export class CloudFormationApi {
  /** Operations running in the background, so stop() can wait for them to unwind. */
  private readonly running = new Set<Promise<void>>();
  /** The operation running on each stack, by stack id (DeleteStack cancels a create through it). */
  private readonly operations = new Map<string, StackOperation>();

  constructor(private readonly env: ApiEnv) {}

  // -- helpers -----------------------------------------------------------------------------------

  private stack(nameOrId: string | undefined): Stack {
    if (!nameOrId)
      throw validation(
        "1 validation error detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null",
      );
    const stack = this.env.store.find(nameOrId);
    if (!stack) throw validation(`Stack with id ${nameOrId} does not exist`);
    return stack;
  }

  private run(stack: Stack, work: (operation: StackOperation) => Promise<void>): void {
    const operation = new StackOperation(this.env, stack);
    this.operations.set(stack.StackId, operation);
    const done = work(operation)
      .catch((error: unknown) => {
        if (!(error instanceof OperationAbandoned)) {
          this.env.log(`cloudformation: ${stack.StackName}: ${(error as Error)?.stack ?? error}`);
        }
      })
      .finally(() => {
        this.running.delete(done);
        if (this.operations.get(stack.StackId) === operation) this.operations.delete(stack.StackId);
      });
    this.running.add(done);
  }

  /** Waits for running operations to unwind (they stop recording once the env says it is stopping). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  /** Resumes every operation a stop interrupted. */
  recover(): void {
    for (const stack of this.env.store.all()) {
      if (isInProgress(stack.StackStatus)) this.run(stack, (operation) => operation.recover());
    }
  }

  private async templateBody(source: TemplateSource): Promise<string> {
    if (source.TemplateBody !== undefined && source.TemplateURL !== undefined) {
      throw validation('Specify either TemplateBody or TemplateURL, not both.');
    }
    if (source.TemplateBody !== undefined) {
      if (source.TemplateBody.length > TEMPLATE_BODY_LIMIT) {
        throw validation(
          `1 validation error detected: Value at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to ${TEMPLATE_BODY_LIMIT}`,
        );
      }
      return source.TemplateBody;
    }
    if (source.TemplateURL !== undefined) {
      try {
        return await this.env.fetchTemplate(source.TemplateURL);
      } catch (error) {
        throw validation(
          `TemplateURL must be a supported URL: ${source.TemplateURL} (${(error as Error).message})`,
        );
      }
    }
    throw validation('Either Template URL or Template Body must be specified.');
  }

  private readAndValidate(body: string): Template {
    return asValidation(() => {
      const template = readTemplate(body);
      const problem = this.env.validateTemplate(template);
      if (problem) throw new TemplateError(problem);
      return template;
    });
  }

  private prepareFor(
    template: Template,
    parameters: readonly ParameterInput[],
    pseudo: PseudoParameters,
    previous?: StackDefinition,
  ): PreparedStack {
    return asValidation(() =>
      prepare({
        template,
        parameters,
        pseudo,
        ...(previous ? { previousParameters: previous.parameters } : {}),
      }),
    );
  }

  private checkCapabilities(template: Template, granted: readonly string[] = []): void {
    const { capabilities } = requiredCapabilities(template);
    const missing = capabilities.filter(
      (c) => !granted.includes(c) && !(c === 'CAPABILITY_IAM' && granted.includes('CAPABILITY_NAMED_IAM')),
    );
    if (missing.length > 0) {
      throw new ServiceError(
        'InsufficientCapabilitiesException',
        `Requires capabilities : [${missing.join(', ')}]`,
      );
    }
  }

  /** A complete definition: the template, every parameter's value, what goes with them. */
  private async definition(
    input: StackInput & { UsePreviousTemplate?: boolean },
    pseudo: PseudoParameters,
    previous?: StackDefinition,
  ): Promise<{ definition: StackDefinition; prepared: PreparedStack }> {
    let body: string;
    if (input.UsePreviousTemplate) {
      if (!previous) throw validation('UsePreviousTemplate can only be used with an existing stack');
      if (input.TemplateBody !== undefined || input.TemplateURL !== undefined) {
        throw validation('You cannot specify both usePreviousTemplate and Template Body/Template Url');
      }
      body = previous.templateBody;
    } else body = await this.templateBody(input);
    const template = this.readAndValidate(body);
    const prepared = this.prepareFor(template, input.Parameters ?? [], pseudo, previous);
    this.checkCapabilities(template, input.Capabilities);
    return {
      definition: {
        templateBody: body,
        parameters: prepared.parameters.parameters,
        noEcho: prepared.parameters.noEcho,
        capabilities: input.Capabilities ?? [],
        tags: input.Tags ?? previous?.tags ?? [],
      },
      prepared,
    };
  }

  private newStack(name: string, region: string, definition: StackDefinition, status: StackStatus): Stack {
    const template = readTemplate(definition.templateBody);
    return {
      StackId: stackArn(region, this.env.accountId, name),
      StackName: name,
      ...(template.Description !== undefined ? { Description: String(template.Description) } : {}),
      StackStatus: status,
      CreationTime: new Date().toISOString(),
      DisableRollback: false,
      EnableTerminationProtection: false,
      NotificationARNs: [],
      definition,
      Outputs: [],
      resources: {},
      events: [],
      changeSets: [],
    };
  }

  private checkNewName(name: string | undefined): string {
    if (!name)
      throw validation(
        "1 validation error detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null",
      );
    if (!STACK_NAME.test(name) || name.length > 128) {
      throw validation(
        `1 validation error detected: Value '${name}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
      );
    }
    if (this.env.store.find(name))
      throw new ServiceError('AlreadyExistsException', `Stack [${name}] already exists`);
    return name;
  }

  // -- stacks ------------------------------------------------------------------------------------

  async createStack(
    input: CreateStackInput,
    region: string,
  ): Promise<{ StackId: string; OperationId: string }> {
    const name = this.checkNewName(input.StackName);
    if (input.OnFailure !== undefined && input.DisableRollback !== undefined) {
      throw validation('You may not specify both OnFailure and DisableRollback');
    }
    if (input.OnFailure !== undefined && !['DO_NOTHING', 'ROLLBACK', 'DELETE'].includes(input.OnFailure)) {
      throw validation(
        `1 validation error detected: Value '${input.OnFailure}' at 'onFailure' failed to satisfy constraint: Member must satisfy enum value set: [DO_NOTHING, ROLLBACK, DELETE]`,
      );
    }
    const pseudo = pseudoParameters({ StackId: stackArn(region, this.env.accountId, name), StackName: name });
    const { definition, prepared } = await this.definition(input, pseudo);
    const findings = await this.earlyValidation(prepared, pseudo, undefined);
    const stack = this.newStack(name, region, definition, 'CREATE_IN_PROGRESS');
    stack.DisableRollback = input.DisableRollback ?? input.OnFailure === 'DO_NOTHING';
    stack.EnableTerminationProtection = input.EnableTerminationProtection ?? false;
    if (input.TimeoutInMinutes !== undefined) stack.TimeoutInMinutes = input.TimeoutInMinutes;
    if (input.RoleARN) stack.RoleARN = input.RoleARN;
    stack.NotificationARNs = input.NotificationARNs ?? [];
    const OperationId = this.recordOperation(stack, 'CREATE_STACK', findings);
    stack.activeOperationId = OperationId;
    await this.env.store.save(stack);
    const deleteOnFailure = input.OnFailure === 'DELETE';
    const refused = blocking(findings).length > 0;
    this.run(stack, async (operation) => {
      await (refused ? operation.createRefused() : operation.create());
      if (deleteOnFailure && stack.StackStatus === 'ROLLBACK_COMPLETE') await operation.delete();
    });
    return { StackId: stack.StackId, OperationId };
  }

  private checkUpdatable(stack: Stack): void {
    const updatable: StackStatus[] = ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'];
    if (!updatable.includes(stack.StackStatus)) {
      throw validation(`Stack:${stack.StackId} is in ${stack.StackStatus} state and can not be updated.`);
    }
  }

  async updateStack(input: UpdateStackInput): Promise<{ StackId: string; OperationId: string }> {
    const stack = this.stack(input.StackName);
    this.checkUpdatable(stack);
    const { definition, prepared } = await this.definition(input, pseudoParameters(stack), stack.definition);
    const plan = planChanges(
      stack,
      prepared,
      pseudoParameters(stack),
      this.env,
      (n) => this.env.store.exports().get(n)?.value,
    );
    const tagsSame = JSON.stringify(definition.tags) === JSON.stringify(stack.definition.tags);
    if (plan.empty && tagsSame) throw validation('No updates are to be performed.');
    const findings = await this.earlyValidation(prepared, pseudoParameters(stack), stack);
    const OperationId = this.recordOperation(stack, 'UPDATE_STACK', findings);
    stack.activeOperationId = OperationId;
    this.startUpdate(stack, definition, input.DisableRollback, blocking(findings).length > 0);
    return { StackId: stack.StackId, OperationId };
  }

  private startUpdate(
    stack: Stack,
    definition: StackDefinition,
    disableRollback?: boolean,
    refused = false,
  ): void {
    stack.previous = stack.definition;
    stack.definition = definition;
    if (disableRollback !== undefined) stack.DisableRollback = disableRollback;
    stack.StackStatus = 'UPDATE_IN_PROGRESS';
    this.run(stack, (operation) => (refused ? operation.updateRefused() : operation.update()));
  }

  // -- pre-deployment validation -----------------------------------------------------------------

  /**
   * The checks CreateStack, UpdateStack and CreateChangeSet run before provisioning: properties against
   * the schema, names the template asks for that another resource has; for a change set (`removing`),
   * whether a bucket it deletes still holds objects.
   */
  private async earlyValidation(
    prepared: PreparedStack,
    pseudo: PseudoParameters,
    stack: Stack | undefined,
    options: { changeSet?: boolean } = {},
  ): Promise<ValidationFinding[]> {
    const findings = propertyFindings(prepared, pseudo, (type, properties) =>
      this.env.propertyProblems(type, properties),
    );
    const owned = new Set(
      Object.values(stack?.resources ?? {})
        .filter((r) => isLive(r) && r.PhysicalResourceId !== undefined)
        .map((r) => `${r.ResourceType} ${r.PhysicalResourceId}`),
    );
    const named: NamedResource[] = [];
    for (const [logicalId, resource] of Object.entries(prepared.resources)) {
      const nameProperty = this.env.provisioner(resource.Type)?.nameProperty;
      if (!nameProperty) continue;
      const name = knownProperties(prepared, pseudo, logicalId)[nameProperty];
      // A name this stack's own resources already hold is no conflict: the update keeps or moves it.
      if (typeof name !== 'string' || owned.has(`${resource.Type} ${name}`)) continue;
      named.push({ logicalId, resourceType: resource.Type, name, nameProperty });
    }
    findings.push(
      ...(await nameConflictFindings(named, (type, name) => this.env.resourceExists(type, name))),
    );
    if (options.changeSet && stack) {
      for (const [logicalId, resource] of Object.entries(stack.resources)) {
        const removed = !Object.hasOwn(prepared.resources, logicalId);
        if (!removed || !isLive(resource) || resource.ResourceType !== 'AWS::S3::Bucket') continue;
        if (resource.deletionPolicy === 'Retain' || !resource.PhysicalResourceId) continue;
        if (await this.env.bucketHasObjects(resource.PhysicalResourceId))
          findings.push(bucketNotEmpty(logicalId, resource.PhysicalResourceId));
      }
    }
    return findings;
  }

  /** Records an operation and what its validation found; returns its id. */
  private recordOperation(
    stack: Stack,
    type: OperationRecord['OperationType'],
    findings: ValidationFinding[],
    changeSet?: { ChangeSetId: string; ChangeSetName: string },
  ): string {
    const time = new Date().toISOString();
    const record: OperationRecord = {
      OperationId: randomUUID(),
      OperationType: type,
      ...(changeSet ?? {}),
      StartTime: time,
      EndTime: time,
      findings,
    };
    stack.operations = [...(stack.operations ?? []), record];
    return record.OperationId;
  }

  async deleteStack(input: {
    StackName?: string;
    RetainResources?: string[];
  }): Promise<Record<string, never>> {
    if (!input.StackName)
      throw validation(
        "1 validation error detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null",
      );
    const stack = this.env.store.find(input.StackName);
    // Deleting a stack that does not exist (or no longer does) succeeds, as on AWS.
    if (!stack || stack.StackStatus === 'DELETE_COMPLETE' || stack.StackStatus === 'DELETE_IN_PROGRESS')
      return {};
    if (stack.EnableTerminationProtection) {
      throw validation(`Stack [${stack.StackName}] cannot be deleted while TerminationProtection is enabled`);
    }
    const retain = input.RetainResources ?? [];
    if (retain.length > 0 && stack.StackStatus !== 'DELETE_FAILED') {
      throw validation(
        `Invalid operation on stack [${stack.StackId}]. RetainResources can only be specified when stack is in DELETE_FAILED state`,
      );
    }
    if (stack.StackStatus === 'CREATE_IN_PROGRESS') {
      // As on AWS: deleting a stack being created cancels the create and deletes what it made.
      const creating = this.operations.get(stack.StackId);
      if (creating?.cancellable()) {
        stack.activeOperationId = this.recordOperation(stack, 'DELETE_STACK', []);
        await creating.requestDelete();
        return {};
      }
    }
    if (isInProgress(stack.StackStatus)) {
      throw validation(`Stack [${stack.StackName}] cannot be deleted while in status ${stack.StackStatus}`);
    }
    const unknown = retain.filter((id) => !stack.resources[id]);
    if (unknown.length > 0)
      throw validation(`The specified resources to retain [${unknown.join(', ')}] do not exist in the stack`);
    const before = stack.StackStatus;
    stack.activeOperationId = this.recordOperation(stack, 'DELETE_STACK', []);
    stack.StackStatus = 'DELETE_IN_PROGRESS';
    this.run(stack, async (operation) => {
      stack.StackStatus = before;
      await operation.delete(retain);
    });
    return {};
  }

  updateTerminationProtection(input: { StackName?: string; EnableTerminationProtection?: boolean }): {
    StackId: string;
  } {
    const stack = this.stack(input.StackName);
    stack.EnableTerminationProtection = input.EnableTerminationProtection ?? false;
    void this.env.store.save(stack);
    return { StackId: stack.StackId };
  }

  describeStacks(input: { StackName?: string; NextToken?: string }) {
    const stacks = input.StackName
      ? [this.stack(input.StackName)]
      : this.env.store.all().filter((s) => s.StackStatus !== 'DELETE_COMPLETE');
    const { items, NextToken } = page(stacks, input.NextToken);
    return { Stacks: items.map(describeStack), ...(NextToken ? { NextToken } : {}) };
  }

  describeStackEvents(input: { StackName?: string; NextToken?: string }) {
    const stack = this.stack(input.StackName);
    const { items, NextToken } = page([...stack.events].reverse(), input.NextToken);
    return { StackEvents: items, ...(NextToken ? { NextToken } : {}) };
  }

  private stackOfResource(input: { StackName?: string; PhysicalResourceId?: string }): Stack {
    if (input.StackName) return this.stack(input.StackName);
    if (!input.PhysicalResourceId)
      throw validation('Either StackName or PhysicalResourceId must be specified.');
    const found = this.env.store
      .all()
      .find((s) =>
        Object.values(s.resources).some(
          (r) => r.PhysicalResourceId === input.PhysicalResourceId && isLive(r),
        ),
      );
    if (!found) throw validation(`Stack for ${input.PhysicalResourceId} does not exist`);
    return found;
  }

  describeStackResources(input: {
    StackName?: string;
    LogicalResourceId?: string;
    PhysicalResourceId?: string;
  }) {
    const stack = this.stackOfResource(input);
    const resources = Object.values(stack.resources).filter(
      (r) =>
        (!input.LogicalResourceId || r.LogicalResourceId === input.LogicalResourceId) &&
        (!input.PhysicalResourceId || input.StackName || r.PhysicalResourceId === input.PhysicalResourceId),
    );
    return {
      StackResources: resources.map((r) => ({
        StackName: stack.StackName,
        StackId: stack.StackId,
        LogicalResourceId: r.LogicalResourceId,
        PhysicalResourceId: r.PhysicalResourceId,
        ResourceType: r.ResourceType,
        Timestamp: r.LastUpdatedTimestamp,
        ResourceStatus: r.ResourceStatus,
        ResourceStatusReason: r.ResourceStatusReason,
        DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
      })),
    };
  }

  describeStackResource(input: { StackName?: string; LogicalResourceId?: string }) {
    const stack = this.stack(input.StackName);
    const r = input.LogicalResourceId ? stack.resources[input.LogicalResourceId] : undefined;
    if (!r) {
      throw validation(
        `Resource ${input.LogicalResourceId ?? 'null'} does not exist for stack ${stack.StackName}`,
      );
    }
    return {
      StackResourceDetail: {
        StackName: stack.StackName,
        StackId: stack.StackId,
        LogicalResourceId: r.LogicalResourceId,
        PhysicalResourceId: r.PhysicalResourceId,
        ResourceType: r.ResourceType,
        LastUpdatedTimestamp: r.LastUpdatedTimestamp,
        ResourceStatus: r.ResourceStatus,
        ResourceStatusReason: r.ResourceStatusReason,
        Metadata: r.metadata === undefined ? undefined : JSON.stringify(r.metadata),
        DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
      },
    };
  }

  listStackResources(input: { StackName?: string; NextToken?: string }) {
    const stack = this.stack(input.StackName);
    const { items, NextToken } = page(Object.values(stack.resources), input.NextToken);
    return {
      StackResourceSummaries: items.map((r) => ({
        LogicalResourceId: r.LogicalResourceId,
        PhysicalResourceId: r.PhysicalResourceId,
        ResourceType: r.ResourceType,
        LastUpdatedTimestamp: r.LastUpdatedTimestamp,
        ResourceStatus: r.ResourceStatus,
        ResourceStatusReason: r.ResourceStatusReason,
        DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
      })),
      ...(NextToken ? { NextToken } : {}),
    };
  }

  listStacks(input: { StackStatusFilter?: string[]; NextToken?: string }) {
    const filter = input.StackStatusFilter ?? [];
    const stacks = this.env.store.all().filter((s) => filter.length === 0 || filter.includes(s.StackStatus));
    const { items, NextToken } = page(stacks, input.NextToken);
    return {
      StackSummaries: items.map((s) => ({
        StackId: s.StackId,
        StackName: s.StackName,
        TemplateDescription: s.Description,
        CreationTime: s.CreationTime,
        LastUpdatedTime: s.LastUpdatedTime,
        DeletionTime: s.DeletionTime,
        StackStatus: s.StackStatus,
        StackStatusReason: s.StackStatusReason,
        DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
      })),
      ...(NextToken ? { NextToken } : {}),
    };
  }

  listExports(input: { NextToken?: string }) {
    const exports = [...this.env.store.exports()].map(([Name, { value, stackId }]) => ({
      ExportingStackId: stackId,
      Name,
      Value: value,
    }));
    const { items, NextToken } = page(exports, input.NextToken);
    return { Exports: items, ...(NextToken ? { NextToken } : {}) };
  }

  listImports(input: { ExportName?: string; NextToken?: string }) {
    const name = input.ExportName ?? '';
    const importers = this.env.store.importers(name);
    if (importers.length === 0) throw validation(`Export '${name}' is not imported by any stack.`);
    const { items, NextToken } = page(
      importers.map((s) => s.StackName),
      input.NextToken,
    );
    return { Imports: items, ...(NextToken ? { NextToken } : {}) };
  }

  // -- templates ---------------------------------------------------------------------------------

  async validateTemplate(input: TemplateSource) {
    const template = this.readAndValidate(await this.templateBody(input));
    // Without parameter values every Fn::If branch counts; a cycle in any of them is the template's error.
    asValidation(() =>
      creationOrder(
        dependencyGraph(template.Resources ?? {}, new Set(Object.keys(template.Parameters ?? {}))),
      ),
    );
    const { capabilities, reason } = requiredCapabilities(template);
    return {
      Parameters: Object.entries(template.Parameters ?? {}).map(([key, p]) => ({
        ParameterKey: key,
        DefaultValue: p.Default === undefined ? undefined : String(p.Default),
        NoEcho: String(p.NoEcho ?? false).toLowerCase() === 'true',
        Description: p.Description,
      })),
      Description: template.Description === undefined ? undefined : String(template.Description),
      Capabilities: capabilities,
      CapabilitiesReason: reason,
      DeclaredTransforms: [],
    };
  }

  getTemplate(input: { StackName?: string; ChangeSetName?: string }) {
    if (input.ChangeSetName) {
      const { changeSet } = this.changeSet(input);
      return { TemplateBody: changeSet.definition.templateBody, StagesAvailable: ['Original', 'Processed'] };
    }
    const stack = this.stack(input.StackName);
    return { TemplateBody: stack.definition.templateBody, StagesAvailable: ['Original', 'Processed'] };
  }

  async getTemplateSummary(input: TemplateSource & { StackName?: string }) {
    const body = input.StackName
      ? this.stack(input.StackName).definition.templateBody
      : await this.templateBody(input);
    const template = this.readAndValidate(body);
    const { capabilities, reason } = requiredCapabilities(template);
    return {
      Parameters: Object.entries(template.Parameters ?? {}).map(([key, p]) => ({
        ParameterKey: key,
        DefaultValue: p.Default === undefined ? undefined : String(p.Default),
        ParameterType: p.Type,
        NoEcho: String(p.NoEcho ?? false).toLowerCase() === 'true',
        Description: p.Description,
        ParameterConstraints: p.AllowedValues ? { AllowedValues: p.AllowedValues.map(String) } : {},
      })),
      Description: template.Description === undefined ? undefined : String(template.Description),
      Capabilities: capabilities,
      CapabilitiesReason: reason,
      ResourceTypes: [...new Set(Object.values(template.Resources ?? {}).map((r) => r.Type))],
      Version:
        template.AWSTemplateFormatVersion === undefined
          ? undefined
          : String(template.AWSTemplateFormatVersion),
      Metadata: template.Metadata === undefined ? undefined : JSON.stringify(template.Metadata),
      DeclaredTransforms: [],
      ResourceIdentifierSummaries: [],
    };
  }

  // -- change sets -------------------------------------------------------------------------------

  private changeSet(input: { ChangeSetName?: string; StackName?: string }): {
    stack: Stack;
    changeSet: ChangeSet;
  } {
    const name = input.ChangeSetName;
    if (!name)
      throw validation(
        "1 validation error detected: Value null at 'changeSetName' failed to satisfy constraint: Member must not be null",
      );
    const candidates = isArn(name)
      ? this.env.store.all()
      : input.StackName
        ? [this.stack(input.StackName)]
        : [];
    if (!isArn(name) && !input.StackName) {
      throw validation('StackName must be specified if ChangeSetName is not specified as an ARN.');
    }
    for (const stack of candidates) {
      const changeSet = stack.changeSets.find((c) => c.ChangeSetId === name || c.ChangeSetName === name);
      if (changeSet) return { stack, changeSet };
    }
    throw new ServiceError('ChangeSetNotFound', `ChangeSet [${name}] does not exist`, 404);
  }

  async createChangeSet(
    input: CreateChangeSetInput,
    region: string,
  ): Promise<{ Id: string; StackId: string }> {
    const name = input.ChangeSetName;
    if (!name || !/^[a-zA-Z][-a-zA-Z0-9]*$/.test(name) || name.length > 128) {
      throw validation(
        `1 validation error detected: Value '${name ?? 'null'}' at 'changeSetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
      );
    }
    const type = input.ChangeSetType ?? 'UPDATE';
    if (type !== 'CREATE' && type !== 'UPDATE') {
      throw validation(`ChangeSetType ${type} is not supported: use CREATE or UPDATE`);
    }
    const existing = input.StackName ? this.env.store.find(input.StackName) : undefined;
    let stack: Stack;
    if (type === 'CREATE') {
      if (existing && existing.StackStatus !== 'REVIEW_IN_PROGRESS') {
        throw validation(
          `Stack [${existing.StackName}] already exists and cannot be created again with the changeSet [${name}].`,
        );
      }
      const stackName = existing?.StackName ?? this.checkNewName(input.StackName);
      const pseudo = pseudoParameters(
        existing ?? { StackId: stackArn(region, this.env.accountId, stackName), StackName: stackName },
      );
      const { definition } = await this.definition(input, pseudo);
      stack = existing ?? this.newStack(stackName, region, definition, 'REVIEW_IN_PROGRESS');
      if (!existing) {
        stack.events.push({
          EventId: randomUUID(),
          StackId: stack.StackId,
          StackName: stack.StackName,
          LogicalResourceId: stack.StackName,
          PhysicalResourceId: stack.StackId,
          ResourceType: 'AWS::CloudFormation::Stack',
          Timestamp: new Date().toISOString(),
          ResourceStatus: 'REVIEW_IN_PROGRESS',
          ResourceStatusReason: USER_INITIATED_REVIEW,
        });
      }
      return this.addChangeSet(stack, input, definition, region, 'CREATE');
    }
    stack = this.stack(input.StackName);
    if (stack.StackStatus === 'REVIEW_IN_PROGRESS') {
      throw validation(
        `Stack [${stack.StackName}] does not exist; use ChangeSetType CREATE to create it from a change set.`,
      );
    }
    const { definition } = await this.definition(input, pseudoParameters(stack), stack.definition);
    return this.addChangeSet(stack, input, definition, region, 'UPDATE');
  }

  private async addChangeSet(
    stack: Stack,
    input: CreateChangeSetInput,
    definition: StackDefinition,
    region: string,
    type: 'CREATE' | 'UPDATE',
  ): Promise<{ Id: string; StackId: string }> {
    const name = input.ChangeSetName as string;
    if (stack.changeSets.some((c) => c.ChangeSetName === name)) {
      throw new ServiceError('AlreadyExistsException', `ChangeSet ${name} already exists`);
    }
    const prepared = this.prepareFor(
      readTemplate(definition.templateBody),
      definition.parameters,
      pseudoParameters(stack),
    );
    const plan = planChanges(
      type === 'CREATE' ? undefined : stack,
      prepared,
      pseudoParameters(stack),
      this.env,
      (n) => this.env.store.exports().get(n)?.value,
    );
    const tagsSame = JSON.stringify(definition.tags) === JSON.stringify(stack.definition.tags);
    const empty = type === 'UPDATE' && plan.empty && tagsSame;
    const findings = await this.earlyValidation(
      prepared,
      pseudoParameters(stack),
      type === 'CREATE' ? undefined : stack,
      { changeSet: true },
    );
    const refused = blocking(findings).length > 0;
    const ChangeSetId = changeSetArn(region, this.env.accountId, name);
    const reason = refused
      ? changeSetFailureReason(findings)
      : empty
        ? "The submitted information didn't contain changes. Submit different information to create a change set."
        : undefined;
    const changeSet: ChangeSet = {
      ChangeSetId,
      ChangeSetName: name,
      ChangeSetType: type,
      ...(input.Description !== undefined ? { Description: input.Description } : {}),
      CreationTime: new Date().toISOString(),
      Status: reason ? 'FAILED' : 'CREATE_COMPLETE',
      ...(reason ? { StatusReason: reason } : {}),
      ExecutionStatus: reason ? 'UNAVAILABLE' : 'AVAILABLE',
      definition,
      changes: plan.changes,
      OperationId: this.recordOperation(stack, 'CREATE_CHANGESET', findings, {
        ChangeSetId,
        ChangeSetName: name,
      }),
    };
    stack.changeSets.push(changeSet);
    await this.env.store.save(stack);
    return { Id: changeSet.ChangeSetId, StackId: stack.StackId };
  }

  describeChangeSet(input: { ChangeSetName?: string; StackName?: string; NextToken?: string }) {
    const { stack, changeSet } = this.changeSet(input);
    const { items, NextToken } = page(changeSet.changes, input.NextToken);
    return {
      ChangeSetName: changeSet.ChangeSetName,
      ChangeSetId: changeSet.ChangeSetId,
      StackId: stack.StackId,
      StackName: stack.StackName,
      Description: changeSet.Description,
      Parameters: maskedParameters(changeSet.definition),
      CreationTime: changeSet.CreationTime,
      ExecutionStatus: changeSet.ExecutionStatus,
      Status: changeSet.Status,
      StatusReason: changeSet.StatusReason,
      NotificationARNs: [],
      RollbackConfiguration: {},
      Capabilities: changeSet.definition.capabilities,
      Tags: changeSet.definition.tags,
      Changes: items.map((ResourceChange) => ({ Type: 'Resource', ResourceChange })),
      IncludeNestedStacks: false,
      ...(NextToken ? { NextToken } : {}),
    };
  }

  /**
   * DescribeEvents: the events of a stack's operations, by stack, change set or operation id, newest
   * first: what pre-deployment validation found (VALIDATION_ERROR), the stack's own status changes
   * (STACK_EVENT) and its resources' (PROGRESS_EVENT, PROVISIONING_ERROR for a failed one). FailedEvents
   * keeps the failures.
   */
  describeEvents(input: {
    StackName?: string;
    ChangeSetName?: string;
    OperationId?: string;
    FailedEvents?: boolean;
    NextToken?: string;
  }) {
    if (!input.StackName && !input.ChangeSetName && !input.OperationId) {
      throw validation('One of ChangeSetName, OperationId or StackName must be specified.');
    }
    const stacks = input.StackName ? [this.stack(input.StackName)] : this.env.store.all();
    let selected: Array<{ stack: Stack; operation: OperationRecord }> = stacks.flatMap((stack) =>
      (stack.operations ?? []).map((operation) => ({ stack, operation })),
    );
    if (input.ChangeSetName) {
      const name = input.ChangeSetName;
      if (!isArn(name) && !input.StackName) {
        throw validation('StackName must be specified if ChangeSetName is not specified as an ARN.');
      }
      selected = selected.filter(({ operation }) =>
        isArn(name) ? operation.ChangeSetId === name : operation.ChangeSetName === name,
      );
      // A name used again belongs to the newest change set that has it.
      if (!isArn(name)) selected = selected.slice(-1);
      if (selected.length === 0)
        throw new ServiceError('ChangeSetNotFound', `ChangeSet [${name}] does not exist`, 404);
    }
    if (input.OperationId) {
      selected = selected.filter(({ operation }) => operation.OperationId === input.OperationId);
      if (selected.length === 0) throw validation(`Operation ${input.OperationId} does not exist`);
    }
    const events = selected.reverse().flatMap(({ stack, operation }) => {
      const status = operationStatus(stack, operation);
      const progress = stack.events
        .filter((e) => e.OperationId === operation.OperationId)
        .reverse()
        .map((e) => progressEvent(operation, status, e));
      const validation = operation.findings.map((finding, index) =>
        validationEvent(stack, operation, status, finding, index),
      );
      return [...progress, ...validation];
    });
    const { items, NextToken } = page(
      input.FailedEvents ? events.filter(isFailedEvent) : events,
      input.NextToken,
    );
    return { OperationEvents: items, ...(NextToken ? { NextToken } : {}) };
  }

  listChangeSets(input: { StackName?: string; NextToken?: string }) {
    const stack = this.stack(input.StackName);
    const { items, NextToken } = page(stack.changeSets, input.NextToken);
    return {
      Summaries: items.map((c) => ({
        StackId: stack.StackId,
        StackName: stack.StackName,
        ChangeSetId: c.ChangeSetId,
        ChangeSetName: c.ChangeSetName,
        ExecutionStatus: c.ExecutionStatus,
        Status: c.Status,
        StatusReason: c.StatusReason,
        CreationTime: c.CreationTime,
        Description: c.Description,
        IncludeNestedStacks: false,
      })),
      ...(NextToken ? { NextToken } : {}),
    };
  }

  async deleteChangeSet(input: {
    ChangeSetName?: string;
    StackName?: string;
  }): Promise<Record<string, never>> {
    const { stack, changeSet } = this.changeSet(input);
    if (changeSet.ExecutionStatus === 'EXECUTE_IN_PROGRESS') {
      throw new ServiceError(
        'InvalidChangeSetStatus',
        `Cannot delete ChangeSet in status ${changeSet.ExecutionStatus}`,
      );
    }
    stack.changeSets = stack.changeSets.filter((c) => c !== changeSet);
    await this.env.store.save(stack);
    return {};
  }

  async executeChangeSet(input: {
    ChangeSetName?: string;
    StackName?: string;
    DisableRollback?: boolean;
  }): Promise<Record<string, never>> {
    const { stack, changeSet } = this.changeSet(input);
    if (changeSet.ExecutionStatus !== 'AVAILABLE') {
      throw new ServiceError(
        'InvalidChangeSetStatus',
        `ChangeSet [${changeSet.ChangeSetId}] cannot be executed in its current status of [${changeSet.Status}]`,
      );
    }
    if (changeSet.ChangeSetType === 'UPDATE') this.checkUpdatable(stack);
    // Executing a change set removes the stack's change sets, the executed one included.
    stack.changeSets = [];
    stack.ChangeSetId = changeSet.ChangeSetId;
    stack.activeOperationId = this.recordOperation(
      stack,
      changeSet.ChangeSetType === 'CREATE' ? 'CREATE_STACK' : 'UPDATE_STACK',
      [],
    );
    if (changeSet.ChangeSetType === 'CREATE') {
      stack.definition = changeSet.definition;
      stack.DisableRollback = input.DisableRollback ?? false;
      stack.StackStatus = 'CREATE_IN_PROGRESS';
      await this.env.store.save(stack);
      this.run(stack, (operation) => operation.create());
    } else {
      this.startUpdate(stack, changeSet.definition, input.DisableRollback);
      await this.env.store.save(stack);
    }
    return {};
  }
}

const USER_INITIATED_REVIEW = 'User Initiated';

/** Where an operation is: from its findings, then from the last stack status it recorded. */
function operationStatus(stack: Stack, operation: OperationRecord): 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' {
  if (blocking(operation.findings).length > 0) return 'FAILED';
  if (operation.OperationType === 'CREATE_CHANGESET') return 'SUCCEEDED';
  const last = stack.events.findLast(
    (e) => e.OperationId === operation.OperationId && e.LogicalResourceId === stack.StackName,
  )?.ResourceStatus;
  if (!last || last.endsWith('_IN_PROGRESS')) return 'IN_PROGRESS';
  return last.endsWith('_FAILED') || last.includes('ROLLBACK') ? 'FAILED' : 'SUCCEEDED';
}

/** What FailedEvents keeps: failed checks, failed resources, a stack that ended failed. */
function isFailedEvent(event: { EventType: string; ResourceStatus?: string }): boolean {
  return (
    event.EventType === 'VALIDATION_ERROR' ||
    event.EventType === 'PROVISIONING_ERROR' ||
    (event.ResourceStatus?.endsWith('_FAILED') ?? false)
  );
}

/** A stack event as DescribeEvents answers it. */
function progressEvent(operation: OperationRecord, status: string, event: Stack['events'][number]) {
  const stackLevel = event.ResourceType === STACK_RESOURCE_TYPE;
  return {
    EventId: event.EventId,
    StackId: event.StackId,
    OperationId: operation.OperationId,
    OperationType: operation.OperationType,
    OperationStatus: status,
    EventType: stackLevel
      ? 'STACK_EVENT'
      : event.ResourceStatus.endsWith('_FAILED')
        ? 'PROVISIONING_ERROR'
        : 'PROGRESS_EVENT',
    LogicalResourceId: event.LogicalResourceId,
    PhysicalResourceId: event.PhysicalResourceId,
    ResourceType: event.ResourceType,
    Timestamp: event.Timestamp,
    ResourceStatus: event.ResourceStatus,
    ResourceStatusReason: event.ResourceStatusReason,
  };
}

/** A validation finding as DescribeEvents answers it (an OperationEvent of type VALIDATION_ERROR). */
function validationEvent(
  stack: Stack,
  operation: OperationRecord,
  status: string,
  finding: ValidationFinding,
  index: number,
) {
  return {
    EventId: `${operation.OperationId}-${index + 1}`,
    StackId: stack.StackId,
    OperationId: operation.OperationId,
    OperationType: operation.OperationType,
    OperationStatus: status,
    EventType: 'VALIDATION_ERROR',
    LogicalResourceId: finding.logicalId,
    PhysicalResourceId: finding.physicalId,
    ResourceType: finding.resourceType,
    Timestamp: operation.EndTime,
    StartTime: operation.StartTime,
    EndTime: operation.EndTime,
    ValidationFailureMode: finding.mode,
    ValidationName: finding.name,
    ValidationStatus: 'FAILED',
    ValidationStatusReason: finding.reason,
    ValidationPath: finding.path,
  };
}

/** A stack as DescribeStacks shows it. */
export function describeStack(stack: Stack) {
  return {
    StackId: stack.StackId,
    StackName: stack.StackName,
    ChangeSetId: stack.ChangeSetId,
    Description: stack.Description,
    Parameters: maskedParameters(stack.definition),
    CreationTime: stack.CreationTime,
    DeletionTime: stack.DeletionTime,
    LastUpdatedTime: stack.LastUpdatedTime,
    RollbackConfiguration: {},
    StackStatus: stack.StackStatus,
    StackStatusReason: stack.StackStatusReason,
    DisableRollback: stack.DisableRollback,
    NotificationARNs: stack.NotificationARNs,
    TimeoutInMinutes: stack.TimeoutInMinutes,
    Capabilities: stack.definition.capabilities,
    Outputs: stack.Outputs,
    RoleARN: stack.RoleARN,
    Tags: stack.definition.tags,
    EnableTerminationProtection: stack.EnableTerminationProtection,
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
  };
}
