// AWS::KinesisFirehose::DeliveryStream, through Firehose. The template's properties are the API's
// shapes under the same names; CloudFormation waits for the stream to be ACTIVE, and for it to be gone.

import { isDeepStrictEqual } from 'node:util';
import {
  CreateDeliveryStreamCommand,
  type CreateDeliveryStreamInput,
  DeleteDeliveryStreamCommand,
  type DeliveryStreamDescription,
  DescribeDeliveryStreamCommand,
  type FirehoseClient,
  UpdateDestinationCommand,
} from '@aws-sdk/client-firehose';
import { deleting, isNotFound, tagList, waitFor } from './support.js';
import type { ProvisionContext, ResourceProvisioner } from './types.js';

const PASSED_THROUGH = [
  'DeliveryStreamType',
  'KinesisStreamSourceConfiguration',
  'ExtendedS3DestinationConfiguration',
  'S3DestinationConfiguration',
  'DeliveryStreamEncryptionConfigurationInput',
] as const;

async function describe(
  client: FirehoseClient,
  name: string,
): Promise<DeliveryStreamDescription | undefined> {
  try {
    return (await client.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: name })))
      .DeliveryStreamDescription;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function active(name: string, ctx: ProvisionContext): Promise<DeliveryStreamDescription> {
  return waitFor(
    `delivery stream ${name}`,
    async () => {
      const description = await describe(ctx.clients.firehose, name);
      if (!description) throw new Error(`Delivery stream ${name} disappeared while it was being created`);
      const status = description.DeliveryStreamStatus;
      if (status === 'CREATING_FAILED') {
        throw new Error(
          description.FailureDescription?.Details ?? `Delivery stream ${name} failed to create`,
        );
      }
      return status === 'ACTIVE' ? description : undefined;
    },
    ctx.aborted,
  );
}

export const deliveryStream: ResourceProvisioner = {
  nameProperty: 'DeliveryStreamName',
  async create(properties, ctx) {
    const name = String(properties.DeliveryStreamName ?? ctx.generatedName({ maxLength: 64 }));
    const input = Object.fromEntries(
      PASSED_THROUGH.filter((k) => properties[k] !== undefined).map((k) => [k, properties[k]]),
    );
    const tags = tagList(properties.Tags);
    await ctx.clients.firehose.send(
      new CreateDeliveryStreamCommand({
        ...(input as Partial<CreateDeliveryStreamInput>),
        DeliveryStreamName: name,
        ...(tags.length > 0 ? { Tags: tags } : {}),
      }),
    );
    await ctx.created(name);
    const description = await active(name, ctx);
    return { physicalId: name, attributes: { Arn: description.DeliveryStreamARN } };
  },
  async update(name, properties, previous, ctx) {
    const extended = properties.ExtendedS3DestinationConfiguration as Record<string, unknown> | undefined;
    const plain = properties.S3DestinationConfiguration as Record<string, unknown> | undefined;
    const changed =
      !isDeepStrictEqual(extended, previous.ExtendedS3DestinationConfiguration) ||
      !isDeepStrictEqual(plain, previous.S3DestinationConfiguration);
    let description = await active(name, ctx);
    if (changed) {
      const { S3BackupConfiguration, ...rest } = extended ?? {};
      await ctx.clients.firehose.send(
        new UpdateDestinationCommand({
          DeliveryStreamName: name,
          CurrentDeliveryStreamVersionId: description.VersionId,
          DestinationId: description.Destinations?.[0]?.DestinationId,
          ...(extended
            ? {
                ExtendedS3DestinationUpdate: {
                  ...rest,
                  ...(S3BackupConfiguration ? { S3BackupUpdate: S3BackupConfiguration } : {}),
                },
              }
            : {}),
          ...(plain ? { S3DestinationUpdate: plain } : {}),
        }),
      );
      description = await active(name, ctx);
    }
    return { physicalId: name, attributes: { Arn: description.DeliveryStreamARN } };
  },
  async delete(name, _properties, ctx) {
    await deleting(() =>
      ctx.clients.firehose.send(new DeleteDeliveryStreamCommand({ DeliveryStreamName: name })),
    );
    await waitFor(
      `deletion of delivery stream ${name}`,
      async () => ((await describe(ctx.clients.firehose, name)) ? undefined : true),
      ctx.aborted,
    );
  },
};

/** A delivery stream reported made and never made (Firehose left out of the local cloud). */
export const phantomDeliveryStream: ResourceProvisioner = {
  nameProperty: 'DeliveryStreamName',
  async create(properties, ctx) {
    const name = String(properties.DeliveryStreamName ?? ctx.generatedName({ maxLength: 64 }));
    return {
      physicalId: name,
      attributes: {
        Arn: `arn:${ctx.partition}:firehose:${ctx.region}:${ctx.accountId}:deliverystream/${name}`,
      },
    };
  },
  async delete() {},
};
