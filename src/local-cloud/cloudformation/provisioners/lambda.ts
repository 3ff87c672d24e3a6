// AWS::Lambda::Function, ::Version, ::Alias and ::Permission, through Lambda. Inline `Code.ZipFile` source is
// packaged as CloudFormation packages it: a ZIP holding index.js (Node.js) or index.py (Python).

import { isDeepStrictEqual } from 'node:util';
import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  type CreateFunctionRequest,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  type FunctionConfiguration,
  GetFunctionConfigurationCommand,
  type LambdaClient,
  PublishVersionCommand,
  RemovePermissionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { inlineCodeZip } from '../../lambda/code.js';
import { deleting, tagList, waitFor } from './support.js';
import type { Properties, ProvisionContext, ResourceProvisioner } from './types.js';

// Properties that CreateFunction and UpdateFunctionConfiguration take under the same names.
const CONFIGURATION = [
  'Runtime',
  'Role',
  'Handler',
  'Description',
  'Timeout',
  'MemorySize',
  'Environment',
  'LoggingConfig',
  'TracingConfig',
  'EphemeralStorage',
  'DeadLetterConfig',
  'KMSKeyArn',
  'VpcConfig',
  'Layers',
] as const;

function configuration(properties: Properties): Record<string, unknown> {
  return Object.fromEntries(
    CONFIGURATION.filter((k) => properties[k] !== undefined).map((k) => [k, properties[k]]),
  );
}

function code(properties: Properties) {
  const source = (properties.Code ?? {}) as Record<string, unknown>;
  if (typeof source.ZipFile === 'string') {
    return { ZipFile: new Uint8Array(inlineCodeZip(String(properties.Runtime ?? ''), source.ZipFile)) };
  }
  return {
    ...(source.S3Bucket !== undefined ? { S3Bucket: String(source.S3Bucket) } : {}),
    ...(source.S3Key !== undefined ? { S3Key: String(source.S3Key) } : {}),
    ...(source.S3ObjectVersion !== undefined ? { S3ObjectVersion: String(source.S3ObjectVersion) } : {}),
    ...(source.ImageUri !== undefined ? { ImageUri: String(source.ImageUri) } : {}),
  };
}

/** Waits as CloudFormation does: the function (or a version of it) Active and its last update done. */
async function settled(
  client: LambdaClient,
  name: string,
  ctx: ProvisionContext,
  qualifier?: string,
): Promise<FunctionConfiguration> {
  return waitFor(
    `function ${name}${qualifier ? `:${qualifier}` : ''}`,
    async () => {
      const config = await client.send(
        new GetFunctionConfigurationCommand({ FunctionName: name, Qualifier: qualifier }),
      );
      if (config.State === 'Failed' || config.LastUpdateStatus === 'Failed') {
        throw new Error(config.StateReason ?? config.LastUpdateStatusReason ?? `function ${name} failed`);
      }
      const done = config.State === 'Active' && (config.LastUpdateStatus ?? 'Successful') === 'Successful';
      return done ? config : undefined;
    },
    ctx.aborted,
  );
}

function attributes(config: FunctionConfiguration) {
  return { Arn: config.FunctionArn };
}

export const lambdaFunction: ResourceProvisioner = {
  nameProperty: 'FunctionName',
  async create(properties, ctx) {
    const name = String(properties.FunctionName ?? ctx.generatedName({ maxLength: 64 }));
    const tags = Object.fromEntries(tagList(properties.Tags).map((t) => [t.Key, t.Value]));
    await ctx.clients.lambda.send(
      new CreateFunctionCommand({
        ...(configuration(properties) as Partial<CreateFunctionRequest>),
        FunctionName: name,
        Role: String(properties.Role),
        Code: code(properties),
        ...(properties.PackageType !== undefined ? { PackageType: properties.PackageType as 'Zip' } : {}),
        ...(properties.Architectures !== undefined
          ? { Architectures: properties.Architectures as ['x86_64'] }
          : {}),
        ...(Object.keys(tags).length > 0 ? { Tags: tags } : {}),
      }),
    );
    await ctx.created(name);
    return { physicalId: name, attributes: attributes(await settled(ctx.clients.lambda, name, ctx)) };
  },
  async update(name, properties, previous, ctx) {
    const lambda = ctx.clients.lambda;
    const now = configuration(properties);
    if (!isDeepStrictEqual(now, configuration(previous))) {
      // A property the template dropped goes back to its default, as CloudFormation resets it.
      const reset = Object.fromEntries(
        Object.keys(configuration(previous))
          .filter((k) => !(k in now))
          .map((k) => [k, k === 'Description' ? '' : undefined]),
      );
      await lambda.send(new UpdateFunctionConfigurationCommand({ ...reset, ...now, FunctionName: name }));
      await settled(lambda, name, ctx);
    }
    if (!isDeepStrictEqual(properties.Code, previous.Code) || properties.Runtime !== previous.Runtime) {
      await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ...code(properties) }));
    }
    return { physicalId: name, attributes: attributes(await settled(lambda, name, ctx)) };
  },
  async delete(name, _properties, ctx) {
    await deleting(() => ctx.clients.lambda.send(new DeleteFunctionCommand({ FunctionName: name })));
  },
};

/**
 * A published version: Ref gives its ARN (`...:function:NAME:3`). Every property replaces it, so a new
 * version is published and the old one deleted, as on AWS.
 */
export const lambdaVersion: ResourceProvisioner = {
  async create(properties, ctx) {
    const published = await ctx.clients.lambda.send(
      new PublishVersionCommand({
        FunctionName: String(properties.FunctionName),
        ...(properties.CodeSha256 !== undefined ? { CodeSha256: String(properties.CodeSha256) } : {}),
        ...(properties.Description !== undefined ? { Description: String(properties.Description) } : {}),
      }),
    );
    const arn = String(published.FunctionArn);
    await ctx.created(arn);
    await settled(ctx.clients.lambda, arn, ctx);
    return { physicalId: arn, attributes: { FunctionArn: arn, Version: published.Version } };
  },
  async delete(arn, _properties, ctx) {
    await deleting(() => ctx.clients.lambda.send(new DeleteFunctionCommand({ FunctionName: arn })));
  },
};

/** CloudFormation's RoutingConfig (a list of versions and weights) as Lambda's map. */
function routingConfig(properties: Properties) {
  const routing = properties.RoutingConfig as
    | { AdditionalVersionWeights?: Array<{ FunctionVersion: string; FunctionWeight: number }> }
    | undefined;
  if (!routing) return undefined;
  return {
    AdditionalVersionWeights: Object.fromEntries(
      (routing.AdditionalVersionWeights ?? []).map((w) => [
        String(w.FunctionVersion),
        Number(w.FunctionWeight),
      ]),
    ),
  };
}

/** An alias: Ref gives its ARN; a new version, description or routing updates it in place. */
export const lambdaAlias: ResourceProvisioner = {
  async create(properties, ctx) {
    const alias = await ctx.clients.lambda.send(
      new CreateAliasCommand({
        FunctionName: String(properties.FunctionName),
        Name: String(properties.Name),
        FunctionVersion: String(properties.FunctionVersion),
        ...(properties.Description !== undefined ? { Description: String(properties.Description) } : {}),
        ...(properties.RoutingConfig !== undefined ? { RoutingConfig: routingConfig(properties) } : {}),
      }),
    );
    const arn = String(alias.AliasArn);
    await ctx.created(arn);
    return { physicalId: arn, attributes: { AliasArn: arn } };
  },
  async update(arn, properties, _previous, ctx) {
    await ctx.clients.lambda.send(
      new UpdateAliasCommand({
        FunctionName: String(properties.FunctionName),
        Name: String(properties.Name),
        FunctionVersion: String(properties.FunctionVersion),
        Description: properties.Description !== undefined ? String(properties.Description) : '',
        // A template that drops RoutingConfig sends all traffic to FunctionVersion again.
        RoutingConfig: routingConfig(properties) ?? { AdditionalVersionWeights: {} },
      }),
    );
    return { physicalId: arn, attributes: { AliasArn: arn } };
  },
  async delete(_arn, properties, ctx) {
    await deleting(() =>
      ctx.clients.lambda.send(
        new DeleteAliasCommand({
          FunctionName: String(properties.FunctionName),
          Name: String(properties.Name),
        }),
      ),
    );
  },
};

export const lambdaPermission: ResourceProvisioner = {
  async create(properties, ctx) {
    const statementId = ctx.generatedName({ maxLength: 100 });
    await ctx.clients.lambda.send(
      new AddPermissionCommand({
        FunctionName: String(properties.FunctionName),
        StatementId: statementId,
        Action: String(properties.Action),
        Principal: String(properties.Principal),
        ...(properties.SourceArn !== undefined ? { SourceArn: String(properties.SourceArn) } : {}),
        ...(properties.SourceAccount !== undefined
          ? { SourceAccount: String(properties.SourceAccount) }
          : {}),
        ...(properties.EventSourceToken !== undefined
          ? { EventSourceToken: String(properties.EventSourceToken) }
          : {}),
        ...(properties.PrincipalOrgID !== undefined
          ? { PrincipalOrgID: String(properties.PrincipalOrgID) }
          : {}),
        ...(properties.FunctionUrlAuthType !== undefined
          ? { FunctionUrlAuthType: properties.FunctionUrlAuthType as 'NONE' }
          : {}),
      }),
    );
    return { physicalId: statementId, attributes: { Id: statementId } };
  },
  async delete(statementId, properties, ctx) {
    await deleting(() =>
      ctx.clients.lambda.send(
        new RemovePermissionCommand({
          FunctionName: String(properties.FunctionName),
          StatementId: statementId,
        }),
      ),
    );
  },
};
