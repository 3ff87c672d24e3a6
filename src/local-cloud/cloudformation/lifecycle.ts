// A stack's operations as CloudFormation runs them: create, update (in place or by replacement), delete,
// and their rollbacks, each resource through its type's provisioner, every step recorded as an event and
// persisted, so that a restart can finish what it interrupted coherently (see `recover`).

import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Clients } from '../../config/clients.js';
import { STACK_VALIDATION_REASON } from './early-validation.js';
import { dependents } from './engine/dependencies.js';
import { evaluate, type PseudoParameters, TemplateError } from './engine/intrinsics.js';
import { evalContext, evaluateOutputs, type PreparedStack, prepare, readTemplate } from './engine/prepare.js';
import {
  isLive,
  type ObsoleteResource,
  type ResourceState,
  type ResourceStatus,
  STACK_RESOURCE_TYPE,
  type Stack,
  type StackOutput,
  type StackStatus,
} from './model.js';
import { physicalName } from './names.js';
import type { Properties, ProvisionContext, ResourceProvisioner } from './provisioners/types.js';
import {
  CREATION_CANCELLED,
  CREATION_INITIATED,
  customNameReplacement,
  failedTo,
  failureReason,
  propertiesValidationFailed,
  REPLACEMENT_STARTED,
  USER_INITIATED,
  unsupportedType,
} from './reasons.js';
import { runGraph } from './scheduler.js';
import type { StackStore } from './store.js';

export interface LifecycleEnv {
  readonly store: StackStore;
  readonly clients: Clients;
  readonly accountId: string;
  provisioner(type: string): ResourceProvisioner | undefined;
  /** The types that have a provisioner, for the reason given when a template uses another. */
  supportedTypes(): readonly string[];
  /** The changes between two sets of properties that replace the resource (create-only properties). */
  replacingChanges(type: string, before: Properties, after: Properties): string[];
  /** Values converted to their types in the resource specification ("60" -> 60), as CloudFormation does. */
  normalizeProperties(type: string, properties: Properties): Properties;
  /** Why the resource specification refuses these evaluated properties (the first problem, where it is),
   *  or undefined when it takes them. */
  propertiesProblem(type: string, properties: Properties): string | undefined;
  /** True once the local cloud is stopping: operations stop recording and leave the rest to `recover`. */
  stopping(): boolean;
  log(message: string): void;
}

/** Thrown to unwind an operation when the local cloud stops; the stack stays as last persisted. */
export class OperationAbandoned extends Error {
  override name = 'OperationAbandoned';
}

export function pseudoParameters(stack: Pick<Stack, 'StackId' | 'StackName'>): PseudoParameters {
  const [, partition = 'aws', , region = 'us-east-1', accountId = '000000000000'] = stack.StackId.split(':');
  return {
    region,
    accountId,
    stackName: stack.StackName,
    stackId: stack.StackId,
    partition,
    urlSuffix: partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
  };
}

/** The prepared template of a stack's definition (its parameters are already complete values). */
export function prepareDefinition(stack: Stack, definition = stack.definition): PreparedStack {
  return prepare({
    template: readTemplate(definition.templateBody),
    parameters: definition.parameters,
    pseudo: pseudoParameters(stack),
  });
}

const now = () => new Date().toISOString();
const clone = <T>(value: T): T => structuredClone(value);

export class StackOperation {
  /** Exports the template imported while this operation evaluated it. */
  private readonly imported = new Set<string>();
  /** DeleteStack arrived while this operation was creating the stack: finish as a delete instead. */
  private deleteRequested = false;

  constructor(
    private readonly env: LifecycleEnv,
    private readonly stack: Stack,
  ) {}

  private pseudo(): PseudoParameters {
    return pseudoParameters(this.stack);
  }

  private async save(): Promise<void> {
    if (this.env.stopping()) throw new OperationAbandoned('the local cloud is stopping');
    await this.env.store.save(this.stack);
  }

  private pushEvent(
    event: Omit<(typeof this.stack.events)[number], 'EventId' | 'StackId' | 'StackName' | 'Timestamp'>,
  ): void {
    // AWS names resource events `<LogicalId>-<STATUS>-<time>`; two in one millisecond must still differ.
    let id =
      event.LogicalResourceId === this.stack.StackName
        ? randomUUID()
        : `${event.LogicalResourceId}-${event.ResourceStatus}-${now()}`;
    if (this.stack.events.slice(-20).some((e) => e.EventId === id)) id = randomUUID();
    this.stack.events.push({
      EventId: id,
      StackId: this.stack.StackId,
      StackName: this.stack.StackName,
      Timestamp: now(),
      ...event,
      ...(this.stack.activeOperationId ? { OperationId: this.stack.activeOperationId } : {}),
    });
  }

  async stackEvent(status: StackStatus, reason?: string): Promise<void> {
    this.stack.StackStatus = status;
    this.stack.StackStatusReason = reason;
    if (status.startsWith('UPDATE_') && status.endsWith('_IN_PROGRESS')) this.stack.LastUpdatedTime ??= now();
    if (status === 'DELETE_COMPLETE') this.stack.DeletionTime = now();
    this.pushEvent({
      LogicalResourceId: this.stack.StackName,
      PhysicalResourceId: this.stack.StackId,
      ResourceType: STACK_RESOURCE_TYPE,
      ResourceStatus: status,
      ...(reason ? { ResourceStatusReason: reason } : {}),
    });
    await this.save();
  }

  private async resourceEvent(
    id: string,
    type: string,
    status: ResourceStatus,
    details: { reason?: string; properties?: Properties } = {},
  ): Promise<void> {
    this.stack.resources[id] ??= {
      LogicalResourceId: id,
      ResourceType: type,
      ResourceStatus: status,
      LastUpdatedTimestamp: now(),
    };
    const state = this.stack.resources[id];
    state.ResourceType = type;
    state.ResourceStatus = status;
    state.ResourceStatusReason = details.reason;
    state.LastUpdatedTimestamp = now();
    this.pushEvent({
      LogicalResourceId: id,
      PhysicalResourceId: state.PhysicalResourceId ?? '',
      ResourceType: type,
      ResourceStatus: status,
      ...(details.reason ? { ResourceStatusReason: details.reason } : {}),
      ...(details.properties ? { ResourceProperties: JSON.stringify(details.properties) } : {}),
    });
    await this.save();
  }

  // -- evaluation ------------------------------------------------------------------------------------

  private context(prepared: PreparedStack) {
    const resources = this.stack.resources;
    const store = this.env.store;
    return evalContext(prepared, this.pseudo(), {
      resourceRef(id) {
        const physical = resources[id]?.PhysicalResourceId;
        if (physical === undefined)
          throw new TemplateError(`Template error: resource ${id} has no physical id yet`);
        return physical;
      },
      resourceAttribute(id, attribute) {
        const state = resources[id];
        if (!state || !Object.hasOwn(prepared.resources, id)) {
          throw new TemplateError(
            `Template error: instance of Fn::GetAtt references undefined resource ${id}`,
          );
        }
        const attributes = state.attributes ?? {};
        if (!Object.hasOwn(attributes, attribute)) {
          throw new TemplateError(
            `Template error: resource ${id} does not support attribute type ${attribute} in Fn::GetAtt`,
          );
        }
        return attributes[attribute];
      },
      importValue: (name) => {
        this.imported.add(name);
        return store.exports().get(name)?.value;
      },
    });
  }

  /**
   * Why the new outputs would take an export away from a stack that imports it, as CloudFormation
   * refuses it, or undefined.
   */
  private exportInUse(outputs: readonly StackOutput[]): string | undefined {
    for (const old of this.stack.Outputs) {
      if (!old.ExportName) continue;
      const users = this.env.store.importers(old.ExportName, this.stack.StackId);
      if (users.length === 0) continue;
      const now = outputs.find((o) => o.ExportName === old.ExportName);
      if (now?.OutputValue === old.OutputValue) continue;
      const verb = now ? 'updated' : 'deleted';
      return `Export ${old.ExportName} cannot be ${verb} as it is in use by ${users.map((u) => u.StackName).join(', ')}`;
    }
    return undefined;
  }

  private evaluateProperties(prepared: PreparedStack, type: string, properties: unknown): Properties {
    return this.env.normalizeProperties(
      type,
      evaluate(properties ?? {}, this.context(prepared)) as Properties,
    );
  }

  private provisionContext(id: string, onCreated: (physicalId: string) => Promise<void>): ProvisionContext {
    const pseudo = this.pseudo();
    return {
      clients: this.env.clients,
      region: pseudo.region,
      accountId: pseudo.accountId,
      partition: pseudo.partition,
      stackName: this.stack.StackName,
      stackId: this.stack.StackId,
      logicalId: id,
      generatedName: (options) => physicalName(this.stack.StackName, id, options),
      created: onCreated,
      aborted: () => this.env.stopping(),
    };
  }

  private rethrowIfAbandoned(error: unknown): void {
    if (error instanceof OperationAbandoned || this.env.stopping()) {
      throw error instanceof OperationAbandoned ? error : new OperationAbandoned(String(error));
    }
  }

  // -- one resource ----------------------------------------------------------------------------------

  /** Creates one resource (also the new resource of a replacement, with `replacing`). */
  private async createResource(
    prepared: PreparedStack,
    id: string,
    cancelled: () => boolean,
    replacing?: ResourceState,
  ): Promise<boolean> {
    const definition = prepared.resources[id];
    if (!definition) return false;
    const type = definition.Type;
    const inProgress: ResourceStatus = replacing ? 'UPDATE_IN_PROGRESS' : 'CREATE_IN_PROGRESS';
    const failed: ResourceStatus = replacing ? 'UPDATE_FAILED' : 'CREATE_FAILED';
    let properties: Properties;
    try {
      properties = this.evaluateProperties(prepared, definition.Type, definition.Properties);
    } catch (error) {
      this.rethrowIfAbandoned(error);
      if (!replacing) await this.resourceEvent(id, type, 'CREATE_IN_PROGRESS');
      await this.resourceEvent(id, type, failed, { reason: failureReason(error) });
      return false;
    }
    if (!replacing) {
      this.stack.resources[id] = {
        LogicalResourceId: id,
        ResourceType: type,
        ResourceStatus: 'CREATE_IN_PROGRESS',
        LastUpdatedTimestamp: now(),
      };
    }
    const state = this.stack.resources[id] as ResourceState;
    const provisioner = this.env.provisioner(type);
    const requested = provisioner?.nameProperty ? properties[provisioner.nameProperty] : undefined;
    if (!replacing && typeof requested === 'string' && requested) state.requestedName = requested;
    await this.resourceEvent(id, type, inProgress, {
      properties,
      ...(replacing ? { reason: REPLACEMENT_STARTED } : {}),
    });
    if (!provisioner) {
      await this.resourceEvent(id, type, failed, {
        reason: unsupportedType(type, this.env.supportedTypes()),
      });
      return false;
    }
    // Values only known now (parameters, attributes of other resources) are checked against the resource
    // specification before the service is called, as CloudFormation's resource handlers check their model.
    const problem = this.env.propertiesProblem(type, properties);
    if (problem) {
      await this.resourceEvent(id, type, failed, { reason: propertiesValidationFailed(id, problem) });
      return false;
    }
    state.deletionPolicy = definition.DeletionPolicy;
    try {
      const ctx = this.provisionContext(id, async (physicalId) => {
        if (replacing?.PhysicalResourceId) {
          this.stack.update?.replaced.push({
            LogicalResourceId: id,
            ResourceType: replacing.ResourceType,
            PhysicalResourceId: replacing.PhysicalResourceId,
            properties: replacing.properties ?? {},
          });
        }
        state.PhysicalResourceId = physicalId;
        state.properties = properties;
        await this.resourceEvent(id, type, inProgress, { reason: CREATION_INITIATED });
      });
      const result = await provisioner.create(properties, ctx);
      if (state.PhysicalResourceId !== result.physicalId) await ctx.created(result.physicalId);
      state.attributes = result.attributes;
      if (cancelled()) {
        await this.resourceEvent(id, type, failed, { reason: CREATION_CANCELLED });
        return false;
      }
      await this.resourceEvent(id, type, replacing ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE');
      return true;
    } catch (error) {
      this.rethrowIfAbandoned(error);
      this.env.log(`cloudformation: ${this.stack.StackName}/${id}: ${(error as Error)?.message ?? error}`);
      await this.resourceEvent(id, type, failed, { reason: failureReason(error) });
      return false;
    }
  }

  /** Deletes one resource, or skips it when it is retained. */
  private async deleteResource(id: string, retain: boolean): Promise<boolean> {
    const state = this.stack.resources[id];
    if (!isLive(state)) return true;
    const type = state.ResourceType;
    if (retain) {
      await this.resourceEvent(id, type, 'DELETE_SKIPPED');
      return true;
    }
    const provisioner = this.env.provisioner(type);
    if (!state.PhysicalResourceId || !provisioner) {
      await this.resourceEvent(id, type, 'DELETE_COMPLETE');
      return true;
    }
    await this.resourceEvent(id, type, 'DELETE_IN_PROGRESS');
    try {
      await provisioner.delete(
        state.PhysicalResourceId,
        state.properties ?? {},
        this.provisionContext(id, async () => {}),
      );
    } catch (error) {
      this.rethrowIfAbandoned(error);
      await this.resourceEvent(id, type, 'DELETE_FAILED', { reason: failureReason(error) });
      return false;
    }
    await this.resourceEvent(id, type, 'DELETE_COMPLETE');
    return true;
  }

  /** Deletes a physical resource no longer in the stack (replaced, or added by a rolled-back update). */
  private async deleteObsolete(obsolete: ObsoleteResource): Promise<boolean> {
    const { LogicalResourceId: id, ResourceType: type, PhysicalResourceId: physicalId } = obsolete;
    const event = (status: ResourceStatus, reason?: string) => {
      this.pushEvent({
        LogicalResourceId: id,
        PhysicalResourceId: physicalId,
        ResourceType: type,
        ResourceStatus: status,
        ...(reason ? { ResourceStatusReason: reason } : {}),
      });
      return this.save();
    };
    await event('DELETE_IN_PROGRESS');
    try {
      await this.env.provisioner(type)?.delete(
        physicalId,
        obsolete.properties,
        this.provisionContext(id, async () => {}),
      );
    } catch (error) {
      this.rethrowIfAbandoned(error);
      await event('DELETE_FAILED', failureReason(error));
      return false;
    }
    await event('DELETE_COMPLETE');
    return true;
  }

  /** Deletes the given live resources, dependents before what they depend on. */
  private async deleteAll(
    ids: readonly string[],
    graph: ReadonlyMap<string, ReadonlySet<string>>,
    retain: (id: string) => boolean,
  ): Promise<string[]> {
    const reverse = dependents(graph);
    const run = await runGraph(
      ids,
      (id) => reverse.get(id) ?? [],
      (id) => this.deleteResource(id, retain(id)),
      { stopOnFailure: false },
    );
    return ids.filter((id) => run.failed.has(id) || run.notStarted.includes(id));
  }

  /** The graph to delete a stack's resources by: its template's, or none if even that cannot be read. */
  private graphOf(definition = this.stack.definition): Map<string, Set<string>> {
    try {
      return prepareDefinition(this.stack, definition).graph;
    } catch {
      return new Map(Object.keys(this.stack.resources).map((id) => [id, new Set<string>()]));
    }
  }

  // -- create ----------------------------------------------------------------------------------------

  /**
   * DeleteStack while this operation creates the stack, as AWS takes it: the stack turns
   * DELETE_IN_PROGRESS at once, nothing new is started, resources being created end CREATE_FAILED
   * ("Resource creation cancelled"), then everything made is deleted and the stack ends DELETE_COMPLETE
   * (no rollback in between). Only when `cancellable()`.
   */
  async requestDelete(): Promise<void> {
    this.deleteRequested = true;
    await this.stackEvent('DELETE_IN_PROGRESS', USER_INITIATED);
  }

  /** This operation is creating the stack, and no delete has been asked for yet. */
  cancellable(): boolean {
    return this.stack.StackStatus === 'CREATE_IN_PROGRESS' && !this.deleteRequested;
  }

  async create(): Promise<void> {
    await this.stackEvent('CREATE_IN_PROGRESS', USER_INITIATED);
    let prepared: PreparedStack;
    try {
      prepared = prepareDefinition(this.stack);
    } catch (error) {
      await this.createFailed(failureReason(error));
      return;
    }
    let failedOnce = false;
    const cancelled = () => failedOnce || this.deleteRequested;
    const run = await runGraph(
      prepared.order,
      (id) => prepared.graph.get(id) ?? [],
      async (id) => {
        if (this.deleteRequested) return false;
        const ok = await this.createResource(prepared, id, cancelled);
        if (!ok) failedOnce = true;
        return ok;
      },
      { stopOnFailure: true },
    );
    if (this.deleteRequested) {
      await this.deleteResources();
      return;
    }
    if (run.failed.size === 0) {
      try {
        this.stack.Outputs = evaluateOutputs(prepared, this.context(prepared));
      } catch (error) {
        this.rethrowIfAbandoned(error);
        await this.createFailed(failureReason(error));
        return;
      }
      this.stack.imports = [...this.imported];
      await this.stackEvent('CREATE_COMPLETE');
      return;
    }
    const failed = prepared.order.filter(
      (id) => this.stack.resources[id]?.ResourceStatus === 'CREATE_FAILED',
    );
    await this.createFailed(failedTo('create', failed));
  }

  /** A create whose pre-deployment validation failed: nothing is provisioned, the stack fails at once. */
  async createRefused(): Promise<void> {
    await this.stackEvent('CREATE_IN_PROGRESS', USER_INITIATED);
    await this.createFailed(STACK_VALIDATION_REASON);
  }

  private async createFailed(reason: string): Promise<void> {
    if (this.deleteRequested) {
      await this.deleteResources();
      return;
    }
    if (this.stack.DisableRollback) {
      await this.stackEvent('CREATE_FAILED', reason);
      return;
    }
    const separator = reason === '' || reason.endsWith(' ') ? '' : ' ';
    await this.stackEvent('ROLLBACK_IN_PROGRESS', `${reason}${separator}Rollback requested by user.`);
    await this.rollbackCreate();
  }

  /** Deletes whatever the failed create made. Retain policies do not apply: the stack never existed. */
  async rollbackCreate(): Promise<void> {
    const ids = Object.keys(this.stack.resources).filter((id) => isLive(this.stack.resources[id]));
    const failed = await this.deleteAll(ids, this.graphOf(), () => false);
    if (failed.length > 0) await this.stackEvent('ROLLBACK_FAILED', failedTo('delete', failed));
    else await this.stackEvent('ROLLBACK_COMPLETE');
  }

  // -- delete ----------------------------------------------------------------------------------------

  async delete(retainResources: readonly string[] = []): Promise<void> {
    const inUse = this.exportInUse([]);
    if (inUse) {
      // CloudFormation refuses at once: the stack keeps its status, and an event says why.
      await this.stackEvent(this.stack.StackStatus, inUse);
      return;
    }
    await this.stackEvent('DELETE_IN_PROGRESS', USER_INITIATED);
    await this.deleteResources(retainResources);
  }

  async deleteResources(retainResources: readonly string[] = []): Promise<void> {
    const ids = Object.keys(this.stack.resources).filter((id) => isLive(this.stack.resources[id]));
    const failed = await this.deleteAll(
      ids,
      this.graphOf(),
      (id) => retainResources.includes(id) || this.stack.resources[id]?.deletionPolicy === 'Retain',
    );
    if (failed.length > 0) await this.stackEvent('DELETE_FAILED', failedTo('delete', failed));
    else await this.stackEvent('DELETE_COMPLETE');
  }

  // -- update ----------------------------------------------------------------------------------------

  /** Runs the update from `stack.previous` to `stack.definition` (both set by the caller). */
  async update(): Promise<void> {
    this.stack.update = { before: {}, replaced: [] };
    this.stack.LastUpdatedTime = now();
    await this.stackEvent('UPDATE_IN_PROGRESS', USER_INITIATED);
    let prepared: PreparedStack;
    try {
      prepared = prepareDefinition(this.stack);
    } catch (error) {
      this.rethrowIfAbandoned(error);
      await this.stackEvent('UPDATE_ROLLBACK_IN_PROGRESS', failureReason(error));
      await this.rollbackUpdate();
      return;
    }
    let failedOnce = false;
    const run = await runGraph(
      prepared.order,
      (id) => prepared.graph.get(id) ?? [],
      async (id) => {
        const ok = await this.updateResource(prepared, id, () => failedOnce);
        if (!ok) failedOnce = true;
        return ok;
      },
      { stopOnFailure: true },
    );
    if (run.failed.size === 0) {
      let outputs: StackOutput[];
      try {
        outputs = evaluateOutputs(prepared, this.context(prepared));
      } catch (error) {
        this.rethrowIfAbandoned(error);
        await this.stackEvent('UPDATE_ROLLBACK_IN_PROGRESS', failureReason(error));
        await this.rollbackUpdate();
        return;
      }
      const inUse = this.exportInUse(outputs);
      if (inUse) {
        await this.stackEvent('UPDATE_ROLLBACK_IN_PROGRESS', inUse);
        await this.rollbackUpdate();
        return;
      }
      this.stack.Outputs = outputs;
      this.stack.imports = [...this.imported];
      await this.stackEvent('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
      await this.updateCleanup();
      return;
    }
    await this.stackEvent('UPDATE_ROLLBACK_IN_PROGRESS', this.updateFailureReason(prepared.order));
    await this.rollbackUpdate();
  }

  /** An update whose pre-deployment validation failed: nothing is touched; the stack rolls back at once. */
  async updateRefused(): Promise<void> {
    this.stack.update = { before: {}, replaced: [] };
    this.stack.LastUpdatedTime = now();
    await this.stackEvent('UPDATE_IN_PROGRESS', USER_INITIATED);
    await this.stackEvent('UPDATE_ROLLBACK_IN_PROGRESS', STACK_VALIDATION_REASON);
    await this.rollbackUpdate();
  }

  private updateFailureReason(order: readonly string[]): string {
    const failedUpdate = order.filter((id) => this.stack.resources[id]?.ResourceStatus === 'UPDATE_FAILED');
    const failedCreate = order.filter((id) => this.stack.resources[id]?.ResourceStatus === 'CREATE_FAILED');
    return failedUpdate.length > 0 ? failedTo('update', failedUpdate) : failedTo('create', failedCreate);
  }

  private async updateResource(
    prepared: PreparedStack,
    id: string,
    cancelled: () => boolean,
  ): Promise<boolean> {
    const journal = this.stack.update;
    if (!journal) throw new Error('no update in progress');
    const current = this.stack.resources[id];
    const definition = prepared.resources[id];
    if (!definition) return false;
    if (!isLive(current)) {
      journal.before[id] = current ? clone(current) : null;
      return this.createResource(prepared, id, cancelled);
    }
    const type = definition.Type;
    let properties: Properties;
    try {
      properties = this.evaluateProperties(prepared, definition.Type, definition.Properties);
    } catch (error) {
      this.rethrowIfAbandoned(error);
      journal.before[id] = clone(current);
      await this.resourceEvent(id, type, 'UPDATE_FAILED', { reason: failureReason(error) });
      return false;
    }
    const policyChanged = (current.deletionPolicy ?? undefined) !== (definition.DeletionPolicy ?? undefined);
    if (isDeepStrictEqual(properties, current.properties ?? {}) && type === current.ResourceType) {
      if (policyChanged) {
        journal.before[id] = clone(current);
        current.deletionPolicy = definition.DeletionPolicy;
        await this.save();
      }
      return true;
    }
    journal.before[id] = clone(current);
    const provisioner = this.env.provisioner(type);
    if (type !== current.ResourceType || !provisioner) {
      await this.resourceEvent(id, type, 'UPDATE_FAILED', {
        reason: provisioner
          ? `Update of resource type is not permitted. The new template modifies resource type of the following resources: [${id}]`
          : unsupportedType(type, this.env.supportedTypes()),
      });
      return false;
    }
    const previous = current.properties ?? {};
    const problem = this.env.propertiesProblem(type, properties);
    if (problem) {
      await this.resourceEvent(id, type, 'UPDATE_FAILED', {
        reason: propertiesValidationFailed(id, problem),
      });
      return false;
    }
    const replace = !provisioner.update || this.env.replacingChanges(type, previous, properties).length > 0;
    if (replace) {
      const nameProperty = provisioner.nameProperty;
      if (
        nameProperty &&
        properties[nameProperty] !== undefined &&
        isDeepStrictEqual(properties[nameProperty], previous[nameProperty])
      ) {
        await this.resourceEvent(id, type, 'UPDATE_FAILED', { reason: customNameReplacement(id) });
        return false;
      }
      return this.createResource(prepared, id, cancelled, clone(current));
    }
    await this.resourceEvent(id, type, 'UPDATE_IN_PROGRESS', { properties });
    try {
      const result = await provisioner.update?.(
        current.PhysicalResourceId ?? '',
        properties,
        previous,
        this.provisionContext(id, async () => {}),
      );
      current.properties = properties;
      current.deletionPolicy = definition.DeletionPolicy;
      if (result) {
        current.PhysicalResourceId = result.physicalId;
        current.attributes = result.attributes;
      }
    } catch (error) {
      this.rethrowIfAbandoned(error);
      await this.resourceEvent(id, type, 'UPDATE_FAILED', { reason: failureReason(error) });
      return false;
    }
    await this.resourceEvent(id, type, 'UPDATE_COMPLETE');
    return true;
  }

  /** After a successful update: deletes replaced resources and those the new template no longer has. */
  async updateCleanup(): Promise<void> {
    const journal = this.stack.update ?? { before: {}, replaced: [] };
    for (const obsolete of [...journal.replaced]) {
      await this.deleteObsolete(obsolete);
      journal.replaced.shift();
      await this.save();
    }
    let keep: Set<string>;
    try {
      keep = new Set(Object.keys(prepareDefinition(this.stack).resources));
    } catch {
      keep = new Set(Object.keys(this.stack.resources));
    }
    const removed = Object.keys(this.stack.resources).filter(
      (id) => !keep.has(id) && isLive(this.stack.resources[id]),
    );
    const oldGraph = this.stack.previous ? this.graphOf(this.stack.previous) : this.graphOf();
    await this.deleteAll(removed, oldGraph, (id) => this.stack.resources[id]?.deletionPolicy === 'Retain');
    for (const id of Object.keys(this.stack.resources)) {
      if (!keep.has(id) && !isLive(this.stack.resources[id])) delete this.stack.resources[id];
    }
    this.stack.previous = undefined;
    this.stack.update = undefined;
    await this.stackEvent('UPDATE_COMPLETE');
  }

  /** Puts every resource the failed update touched back as it was, then deletes what it made. */
  async rollbackUpdate(): Promise<void> {
    this.stack.update ??= { before: {}, replaced: [] };
    const journal = this.stack.update;
    const previous = this.stack.previous ?? this.stack.definition;
    this.stack.definition = previous;
    const failed: string[] = [];
    const discard: ObsoleteResource[] = [];
    for (const [id, before] of Object.entries(journal.before)) {
      const current = this.stack.resources[id];
      if (before === null || !isLive(before)) continue;
      if (current?.PhysicalResourceId && current.PhysicalResourceId !== before.PhysicalResourceId) {
        // Replaced: the old resource still exists; go back to it and discard the new one.
        discard.push({
          LogicalResourceId: id,
          ResourceType: current.ResourceType,
          PhysicalResourceId: current.PhysicalResourceId,
          properties: current.properties ?? {},
        });
        journal.replaced = journal.replaced.filter((r) => r.PhysicalResourceId !== before.PhysicalResourceId);
        this.stack.resources[id] = clone(before);
        await this.resourceEvent(id, before.ResourceType, 'UPDATE_COMPLETE');
        continue;
      }
      if (current && isDeepStrictEqual(current.properties ?? {}, before.properties ?? {})) {
        this.stack.resources[id] = clone(before);
        if (current.ResourceStatus !== before.ResourceStatus)
          await this.resourceEvent(id, before.ResourceType, 'UPDATE_COMPLETE');
        continue;
      }
      // Updated in place (or partly): update it back.
      await this.resourceEvent(id, before.ResourceType, 'UPDATE_IN_PROGRESS', {
        properties: before.properties ?? {},
      });
      try {
        const provisioner = this.env.provisioner(before.ResourceType);
        const result = await provisioner?.update?.(
          before.PhysicalResourceId ?? '',
          before.properties ?? {},
          current?.properties ?? {},
          this.provisionContext(id, async () => {}),
        );
        this.stack.resources[id] = { ...clone(before), ...(result ? { attributes: result.attributes } : {}) };
        await this.resourceEvent(id, before.ResourceType, 'UPDATE_COMPLETE');
      } catch (error) {
        this.rethrowIfAbandoned(error);
        await this.resourceEvent(id, before.ResourceType, 'UPDATE_FAILED', { reason: failureReason(error) });
        failed.push(id);
      }
    }
    journal.replaced = discard;
    await this.save();
    if (failed.length > 0) {
      await this.stackEvent('UPDATE_ROLLBACK_FAILED', failedTo('update', failed));
      return;
    }
    await this.stackEvent('UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    await this.rollbackCleanup();
  }

  /** After an update rollback: deletes the resources the update added and the replacements it made. */
  async rollbackCleanup(): Promise<void> {
    const journal = this.stack.update ?? { before: {}, replaced: [] };
    for (const obsolete of [...journal.replaced]) {
      await this.deleteObsolete(obsolete);
      journal.replaced.shift();
      await this.save();
    }
    const added = Object.entries(journal.before)
      .filter(([id, before]) => (before === null || !isLive(before)) && isLive(this.stack.resources[id]))
      .map(([id]) => id);
    // The update's template holds these resources and their dependencies.
    await this.deleteAll(added, this.graphOf(), () => false);
    for (const id of added) {
      const before = journal.before[id];
      if (before) this.stack.resources[id] = clone(before);
      else delete this.stack.resources[id];
    }
    try {
      const prepared = prepareDefinition(this.stack);
      this.stack.Outputs = evaluateOutputs(prepared, this.context(prepared));
    } catch (error) {
      this.rethrowIfAbandoned(error);
    }
    this.stack.previous = undefined;
    this.stack.update = undefined;
    await this.stackEvent('UPDATE_ROLLBACK_COMPLETE');
  }

  // -- after a restart -------------------------------------------------------------------------------

  /**
   * A create the stop cut short may have reached the service before its answer was recorded: with a name
   * of its own, the rollback deletes that name (a delete of what is not there counts as done), unless
   * another stack's resource of the same type holds it (then this create could only have failed).
   */
  private adoptRequestedName(id: string): void {
    const state = this.stack.resources[id];
    const name = state?.requestedName;
    if (!state || state.PhysicalResourceId || !name) return;
    const heldElsewhere = this.env.store
      .all()
      .some(
        (other) =>
          other.StackId !== this.stack.StackId &&
          Object.values(other.resources).some(
            (r) => r.ResourceType === state.ResourceType && r.PhysicalResourceId === name && isLive(r),
          ),
      );
    if (!heldElsewhere) state.PhysicalResourceId = name;
  }

  /**
   * Finishes an operation a stop of the local cloud interrupted, the way its failure path would: an
   * interrupted create or update rolls back, a delete goes on, a rollback or cleanup resumes.
   */
  async recover(): Promise<void> {
    const reason = 'The local cloud stopped during this operation';
    const interrupted = async (inProgress: ResourceStatus, failed: ResourceStatus) => {
      const ids = Object.values(this.stack.resources)
        .filter((r) => r.ResourceStatus === inProgress)
        .map((r) => r.LogicalResourceId);
      for (const id of ids) {
        if (inProgress === 'CREATE_IN_PROGRESS') this.adoptRequestedName(id);
        await this.resourceEvent(id, this.stack.resources[id]?.ResourceType ?? '', failed, {
          reason: `${CREATION_CANCELLED}: ${reason.toLowerCase()}`,
        });
      }
      return ids;
    };
    switch (this.stack.StackStatus) {
      case 'CREATE_IN_PROGRESS': {
        const ids = await interrupted('CREATE_IN_PROGRESS', 'CREATE_FAILED');
        await this.createFailed(`${reason}. ${ids.length > 0 ? failedTo('create', ids) : ''}`);
        return;
      }
      case 'ROLLBACK_IN_PROGRESS':
        return this.rollbackCreate();
      case 'DELETE_IN_PROGRESS':
        // A delete that cancelled a create may have left resources mid-creation.
        await interrupted('CREATE_IN_PROGRESS', 'CREATE_FAILED');
        return this.deleteResources();
      case 'UPDATE_IN_PROGRESS': {
        await interrupted('CREATE_IN_PROGRESS', 'CREATE_FAILED');
        const ids = await interrupted('UPDATE_IN_PROGRESS', 'UPDATE_FAILED');
        await this.stackEvent(
          'UPDATE_ROLLBACK_IN_PROGRESS',
          `${reason}. ${ids.length > 0 ? failedTo('update', ids) : ''}`,
        );
        return this.rollbackUpdate();
      }
      case 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS':
        return this.updateCleanup();
      case 'UPDATE_ROLLBACK_IN_PROGRESS':
        return this.rollbackUpdate();
      case 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS':
        return this.rollbackCleanup();
      default:
        return;
    }
  }
}
