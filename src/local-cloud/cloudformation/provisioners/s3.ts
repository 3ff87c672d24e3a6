// AWS::S3::Bucket (with the configuration the pipeline's bucket uses) and AWS::S3::BucketPolicy, through
// S3. Deleting a bucket that holds objects fails as on AWS: the stack goes DELETE_FAILED.

import { isDeepStrictEqual } from 'node:util';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketEncryptionCommand,
  DeleteBucketOwnershipControlsCommand,
  DeleteBucketPolicyCommand,
  DeleteBucketTaggingCommand,
  DeletePublicAccessBlockCommand,
  type ObjectOwnership,
  PutBucketEncryptionCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  type ServerSideEncryptionConfiguration,
} from '@aws-sdk/client-s3';
import { deleting, policyText, tagList } from './support.js';
import type { Properties, ProvisionContext, ResourceProvisioner } from './types.js';

function bucketAttributes(ctx: ProvisionContext, name: string) {
  const suffix = ctx.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return {
    Arn: `arn:${ctx.partition}:s3:::${name}`,
    DomainName: `${name}.s3.${suffix}`,
    RegionalDomainName: `${name}.s3.${ctx.region}.${suffix}`,
    DualStackDomainName: `${name}.s3.dualstack.${ctx.region}.${suffix}`,
    WebsiteURL: `http://${name}.s3-website-${ctx.region}.${suffix}`,
  };
}

const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);

type Configure = (ctx: ProvisionContext, bucket: string, value: unknown) => Promise<unknown>;

/** Each configuration property: how to apply it, and how to remove it when the template drops it. */
const CONFIGURATION: Record<string, { put: Configure; remove?: Configure }> = {
  PublicAccessBlockConfiguration: {
    put: (ctx, bucket, value) =>
      ctx.clients.s3.send(
        new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: value as object }),
      ),
    remove: (ctx, bucket) => ctx.clients.s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket })),
  },
  BucketEncryption: {
    // The template's rules say ServerSideEncryptionByDefault where the API says ApplyServerSideEncryptionByDefault.
    put: (ctx, bucket, value) =>
      ctx.clients.s3.send(
        new PutBucketEncryptionCommand({
          Bucket: bucket,
          ServerSideEncryptionConfiguration: {
            Rules: list<Record<string, unknown>>(
              (value as { ServerSideEncryptionConfiguration?: unknown }).ServerSideEncryptionConfiguration,
            ).map(({ ServerSideEncryptionByDefault, ...rule }) => ({
              ...rule,
              ...(ServerSideEncryptionByDefault
                ? { ApplyServerSideEncryptionByDefault: ServerSideEncryptionByDefault }
                : {}),
            })) as ServerSideEncryptionConfiguration['Rules'],
          },
        }),
      ),
    remove: (ctx, bucket) => ctx.clients.s3.send(new DeleteBucketEncryptionCommand({ Bucket: bucket })),
  },
  OwnershipControls: {
    put: (ctx, bucket, value) =>
      ctx.clients.s3.send(
        new PutBucketOwnershipControlsCommand({
          Bucket: bucket,
          OwnershipControls: value as { Rules: Array<{ ObjectOwnership: ObjectOwnership }> },
        }),
      ),
    remove: (ctx, bucket) =>
      ctx.clients.s3.send(new DeleteBucketOwnershipControlsCommand({ Bucket: bucket })),
  },
  VersioningConfiguration: {
    put: (ctx, bucket, value) =>
      ctx.clients.s3.send(
        new PutBucketVersioningCommand({
          Bucket: bucket,
          VersioningConfiguration: { Status: (value as { Status?: 'Enabled' | 'Suspended' }).Status },
        }),
      ),
    // A versioned bucket cannot go back to unversioned, only to suspended.
    remove: (ctx, bucket) =>
      ctx.clients.s3.send(
        new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Suspended' } }),
      ),
  },
  Tags: {
    put: (ctx, bucket, value) =>
      ctx.clients.s3.send(
        new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: tagList(value) } }),
      ),
    remove: (ctx, bucket) => ctx.clients.s3.send(new DeleteBucketTaggingCommand({ Bucket: bucket })),
  },
};

/** Properties of the bucket this provisioner cannot apply: refused by name rather than ignored. */
const HANDLED = new Set(['BucketName', ...Object.keys(CONFIGURATION)]);

function unsupported(properties: Properties): string[] {
  return Object.keys(properties).filter((key) => !HANDLED.has(key));
}

async function configure(ctx: ProvisionContext, bucket: string, before: Properties, after: Properties) {
  for (const [key, { put, remove }] of Object.entries(CONFIGURATION)) {
    if (isDeepStrictEqual(before[key], after[key])) continue;
    if (after[key] !== undefined) await put(ctx, bucket, after[key]);
    else await remove?.(ctx, bucket, before[key]);
  }
}

export const bucket: ResourceProvisioner = {
  nameProperty: 'BucketName',
  async create(properties, ctx) {
    const extra = unsupported(properties);
    if (extra.length > 0) {
      throw new Error(
        `The local cloud does not configure ${extra.join(', ')} on an AWS::S3::Bucket; remove them or deploy to AWS`,
      );
    }
    const name = String(properties.BucketName ?? ctx.generatedName({ maxLength: 63, lowercase: true }));
    await ctx.clients.s3.send(
      new CreateBucketCommand({
        Bucket: name,
        ...(ctx.region !== 'us-east-1'
          ? { CreateBucketConfiguration: { LocationConstraint: ctx.region as 'eu-west-1' } }
          : {}),
      }),
    );
    await ctx.created(name);
    await configure(ctx, name, {}, properties);
    return { physicalId: name, attributes: bucketAttributes(ctx, name) };
  },
  async update(name, properties, previous, ctx) {
    const extra = unsupported(properties);
    if (extra.length > 0) {
      throw new Error(
        `The local cloud does not configure ${extra.join(', ')} on an AWS::S3::Bucket; remove them or deploy to AWS`,
      );
    }
    await configure(ctx, name, previous, properties);
    return { physicalId: name, attributes: bucketAttributes(ctx, name) };
  },
  async delete(name, _properties, ctx) {
    await deleting(() => ctx.clients.s3.send(new DeleteBucketCommand({ Bucket: name })));
  },
};

export const bucketPolicy: ResourceProvisioner = {
  async create(properties, ctx) {
    const name = String(properties.Bucket);
    await ctx.clients.s3.send(
      new PutBucketPolicyCommand({ Bucket: name, Policy: policyText(properties.PolicyDocument) }),
    );
    return { physicalId: name, attributes: {} };
  },
  async update(name, properties, _previous, ctx) {
    await ctx.clients.s3.send(
      new PutBucketPolicyCommand({ Bucket: name, Policy: policyText(properties.PolicyDocument) }),
    );
    return { physicalId: name, attributes: {} };
  },
  async delete(name, _properties, ctx) {
    await deleting(() => ctx.clients.s3.send(new DeleteBucketPolicyCommand({ Bucket: name })));
  },
};
