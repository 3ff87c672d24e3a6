// AWS::Kinesis::Stream, through Kinesis: created, then configured (retention, encryption, tags) as
// CloudFormation does, waiting for the stream to be ACTIVE after each step, and for it to be gone.

import { isDeepStrictEqual } from 'node:util';
import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  IncreaseStreamRetentionPeriodCommand,
  type KinesisClient,
  StartStreamEncryptionCommand,
  StopStreamEncryptionCommand,
  type StreamDescriptionSummary,
  type StreamMode,
  UpdateShardCountCommand,
  UpdateStreamModeCommand,
} from '@aws-sdk/client-kinesis';
import { deleting, isNotFound, tagList, waitFor } from './support.js';
import type { Properties, ProvisionContext, ResourceProvisioner } from './types.js';

async function summary(client: KinesisClient, name: string): Promise<StreamDescriptionSummary | undefined> {
  try {
    return (await client.send(new DescribeStreamSummaryCommand({ StreamName: name })))
      .StreamDescriptionSummary;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function active(name: string, ctx: ProvisionContext): Promise<StreamDescriptionSummary> {
  return waitFor(
    `stream ${name}`,
    async () => {
      const stream = await summary(ctx.clients.kinesis, name);
      if (!stream) throw new Error(`Stream ${name} disappeared while CloudFormation was waiting for it`);
      return stream.StreamStatus === 'ACTIVE' ? stream : undefined;
    },
    ctx.aborted,
  );
}

function mode(properties: Properties): StreamMode {
  const details = properties.StreamModeDetails as { StreamMode?: string } | undefined;
  return details?.StreamMode === 'ON_DEMAND' ? 'ON_DEMAND' : 'PROVISIONED';
}

interface Encryption {
  EncryptionType?: string;
  KeyId?: string;
}

async function setRetention(ctx: ProvisionContext, name: string, from: number, to: number): Promise<void> {
  if (to > from) {
    await ctx.clients.kinesis.send(
      new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: to }),
    );
  } else if (to < from) {
    await ctx.clients.kinesis.send(
      new DecreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: to }),
    );
  } else return;
  await active(name, ctx);
}

async function setEncryption(
  ctx: ProvisionContext,
  name: string,
  from: Encryption | undefined,
  to: Encryption | undefined,
) {
  if (isDeepStrictEqual(from, to)) return;
  if (from?.EncryptionType === 'KMS') {
    await ctx.clients.kinesis.send(
      new StopStreamEncryptionCommand({ StreamName: name, EncryptionType: 'KMS', KeyId: String(from.KeyId) }),
    );
    await active(name, ctx);
  }
  if (to?.EncryptionType === 'KMS') {
    await ctx.clients.kinesis.send(
      new StartStreamEncryptionCommand({ StreamName: name, EncryptionType: 'KMS', KeyId: String(to.KeyId) }),
    );
    await active(name, ctx);
  }
}

export const kinesisStream: ResourceProvisioner = {
  nameProperty: 'Name',
  async create(properties, ctx) {
    const name = String(properties.Name ?? ctx.generatedName({ maxLength: 128 }));
    const streamMode = mode(properties);
    await ctx.clients.kinesis.send(
      new CreateStreamCommand({
        StreamName: name,
        StreamModeDetails: { StreamMode: streamMode },
        ...(streamMode === 'PROVISIONED' ? { ShardCount: Number(properties.ShardCount ?? 1) } : {}),
      }),
    );
    await ctx.created(name);
    await active(name, ctx);
    await setRetention(ctx, name, 24, Number(properties.RetentionPeriodHours ?? 24));
    await setEncryption(ctx, name, undefined, properties.StreamEncryption as Encryption | undefined);
    const tags = tagList(properties.Tags);
    if (tags.length > 0) {
      await ctx.clients.kinesis.send(
        new AddTagsToStreamCommand({
          StreamName: name,
          Tags: Object.fromEntries(tags.map((t) => [t.Key, t.Value])),
        }),
      );
    }
    const stream = await active(name, ctx);
    return { physicalId: name, attributes: { Arn: stream.StreamARN } };
  },
  async update(name, properties, previous, ctx) {
    let stream = await active(name, ctx);
    const streamMode = mode(properties);
    if (streamMode !== mode(previous)) {
      await ctx.clients.kinesis.send(
        new UpdateStreamModeCommand({
          StreamARN: stream.StreamARN,
          StreamModeDetails: { StreamMode: streamMode },
        }),
      );
      stream = await active(name, ctx);
    }
    const shards = Number(properties.ShardCount ?? 1);
    if (streamMode === 'PROVISIONED' && shards !== stream.OpenShardCount) {
      await ctx.clients.kinesis.send(
        new UpdateShardCountCommand({
          StreamName: name,
          TargetShardCount: shards,
          ScalingType: 'UNIFORM_SCALING',
        }),
      );
      await active(name, ctx);
    }
    await setRetention(
      ctx,
      name,
      Number(previous.RetentionPeriodHours ?? 24),
      Number(properties.RetentionPeriodHours ?? 24),
    );
    await setEncryption(
      ctx,
      name,
      previous.StreamEncryption as Encryption | undefined,
      properties.StreamEncryption as Encryption | undefined,
    );
    stream = await active(name, ctx);
    return { physicalId: name, attributes: { Arn: stream.StreamARN } };
  },
  async delete(name, _properties, ctx) {
    await deleting(() =>
      ctx.clients.kinesis.send(new DeleteStreamCommand({ StreamName: name, EnforceConsumerDeletion: true })),
    );
    await waitFor(
      `deletion of stream ${name}`,
      async () => ((await summary(ctx.clients.kinesis, name)) ? undefined : true),
      ctx.aborted,
    );
  },
};
