// AWS::Logs::LogGroup and AWS::Logs::LogStream, through CloudWatch Logs.
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteLogStreamCommand,
  DeleteRetentionPolicyCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { deleting, tagList } from './support.js';
import type { Properties, ProvisionContext, ResourceProvisioner } from './types.js';

function logGroupArn(ctx: ProvisionContext, name: string): string {
  return `arn:${ctx.partition}:logs:${ctx.region}:${ctx.accountId}:log-group:${name}:*`;
}

async function applyRetention(ctx: ProvisionContext, name: string, days: unknown): Promise<void> {
  if (days === undefined) {
    await ctx.clients.logs.send(new DeleteRetentionPolicyCommand({ logGroupName: name }));
  } else {
    await ctx.clients.logs.send(
      new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: Number(days) }),
    );
  }
}

export const logGroup: ResourceProvisioner = {
  nameProperty: 'LogGroupName',
  async create(properties, ctx) {
    const name = String(properties.LogGroupName ?? ctx.generatedName({ maxLength: 512 }));
    const tags = Object.fromEntries(tagList(properties.Tags).map((t) => [t.Key, t.Value]));
    await ctx.clients.logs.send(
      new CreateLogGroupCommand({
        logGroupName: name,
        ...(properties.KmsKeyId ? { kmsKeyId: String(properties.KmsKeyId) } : {}),
        ...(Object.keys(tags).length > 0 ? { tags } : {}),
      }),
    );
    await ctx.created(name);
    if (properties.RetentionInDays !== undefined) await applyRetention(ctx, name, properties.RetentionInDays);
    return { physicalId: name, attributes: { Arn: logGroupArn(ctx, name) } };
  },
  async update(name, properties: Properties, previous: Properties, ctx) {
    if (properties.RetentionInDays !== previous.RetentionInDays)
      await applyRetention(ctx, name, properties.RetentionInDays);
    return { physicalId: name, attributes: { Arn: logGroupArn(ctx, name) } };
  },
  async delete(name, _properties, ctx) {
    await deleting(() => ctx.clients.logs.send(new DeleteLogGroupCommand({ logGroupName: name })));
  },
};

export const logStream: ResourceProvisioner = {
  nameProperty: 'LogStreamName',
  async create(properties, ctx) {
    const name = String(properties.LogStreamName ?? ctx.generatedName({ maxLength: 512 }));
    await ctx.clients.logs.send(
      new CreateLogStreamCommand({ logGroupName: String(properties.LogGroupName), logStreamName: name }),
    );
    return { physicalId: name, attributes: {} };
  },
  async delete(name, properties, ctx) {
    await deleting(() =>
      ctx.clients.logs.send(
        new DeleteLogStreamCommand({ logGroupName: String(properties.LogGroupName), logStreamName: name }),
      ),
    );
  },
};
