// How the lifecycle provisions one resource type: by calling the service that owns it, through the SDK,
// as CloudFormation calls AWS. One module per type implements this.
import type { Clients } from '../../../config/clients.js';

export interface ProvisionContext {
  readonly clients: Clients;
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  readonly stackName: string;
  readonly stackId: string;
  readonly logicalId: string;
  /** A name as CloudFormation generates one for a resource the template leaves unnamed. */
  generatedName(options?: { maxLength?: number; lowercase?: boolean }): string;
  /**
   * Records the physical id as soon as the service has accepted the create, before waiting for the
   * resource to be ready, so a failure or a restart in between still knows what to delete.
   */
  created(physicalId: string): Promise<void>;
  /** True once the operation is abandoned (the local cloud is stopping): waits stop early. */
  readonly aborted: () => boolean;
}

export interface Provisioned {
  /** What Ref returns, and what the console calls the physical id. */
  physicalId: string;
  /** Fn::GetAtt values by attribute name. */
  attributes: Record<string, unknown>;
}

export type Properties = Record<string, unknown>;

export interface ResourceProvisioner {
  /**
   * The property that names the resource, when the template may set it: a replacement cannot keep a
   * custom name (the old and the new resource would collide), as on AWS.
   */
  readonly nameProperty?: string;
  create(properties: Properties, ctx: ProvisionContext): Promise<Provisioned>;
  /**
   * Applies changed properties to the existing resource in place. Absent when every change to this type
   * replaces the resource.
   */
  update?(
    physicalId: string,
    properties: Properties,
    previous: Properties,
    ctx: ProvisionContext,
  ): Promise<Provisioned>;
  /** Deletes the resource; a resource that is already gone counts as deleted. */
  delete(physicalId: string, properties: Properties, ctx: ProvisionContext): Promise<void>;
}
