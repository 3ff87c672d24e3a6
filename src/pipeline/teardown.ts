// Teardown: optionally export every object, empty the bucket (every version and delete marker), delete
// the stack and follow it to DELETE_COMPLETE.
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { InputError } from '../config/errors.js';
import { makeDirs } from '../config/paths.js';
import {
  deleteStack,
  type FollowOptions,
  type StackFailure,
  type StackState,
  type StackUpdate,
} from './stack.js';

export type TeardownUpdate =
  | StackUpdate
  | { type: 'exported'; objects: number; bytes: number; dir: string }
  | { type: 'emptied'; bucket: string; deleted: number }
  /** The delete stopped on the bucket: objects arrived after it was emptied. It is emptied and deleted again. */
  | { type: 'refilled'; bucket: string };

export interface TeardownOptions extends Omit<FollowOptions, 'onUpdate'> {
  exportDir?: string;
  onUpdate?: (update: TeardownUpdate) => void;
}

export interface TeardownResult {
  /** The stack's bucket (the first, when it has several). */
  bucket: string | undefined;
  /** Every bucket of the stack, emptied before the delete. */
  buckets: string[];
  exported: number;
  deletedObjects: number;
  /** Resources the stack had, now deleted. */
  deletedResources: string[];
}

/** What a `refilled` update means, in the words the wizard and the command both use. */
export function refilledText(bucket: string): string {
  return (
    'the first delete stopped on a bucket that was not empty (Firehose writes what it still holds after the ' +
    `bucket is emptied); emptying s3://${bucket} again and deleting once more`
  );
}

function isMissingBucket(error: unknown): boolean {
  const name = (error as Error).name;
  return (
    name === 'NoSuchBucket' ||
    (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
  );
}

/**
 * The buckets the stack made (its AWS::S3::Bucket resources, whatever the template calls them or its
 * outputs): what CloudFormation cannot delete while they hold objects. A bucket outside the stack that its
 * delivery stream writes to is not the stack's to empty.
 */
export async function stackBuckets(cf: CloudFormationClient, stack: StackState): Promise<string[]> {
  const resources = await cf.send(new DescribeStackResourcesCommand({ StackName: stack.id }));
  return (resources.StackResources ?? [])
    .filter(
      (r) =>
        r.ResourceType === 'AWS::S3::Bucket' &&
        r.PhysicalResourceId &&
        !/DELETE_COMPLETE|DELETE_SKIPPED/.test(r.ResourceStatus ?? ''),
    )
    .map((r) => r.PhysicalResourceId as string);
}

/** A key as a path under `dir`, refusing keys that would climb out of it. */
export function exportPath(dir: string, key: string): string {
  const root = resolve(dir);
  const path = resolve(root, key);
  if (path !== root && path.startsWith(root + sep)) return path;
  throw new InputError(`the object key "${key}" would be written outside ${dir}; not exporting it`);
}

/** Writes every object of the bucket under `dir`, keeping the keys as paths. */
export async function exportBucket(s3: S3Client, bucket: string, dir: string, signal?: AbortSignal) {
  let objects = 0;
  let bytes = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }), {
      abortSignal: signal,
    });
    for (const object of page.Contents ?? []) {
      if (!object.Key) continue;
      const path = exportPath(dir, object.Key);
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }), {
        abortSignal: signal,
      });
      const body = await got.Body?.transformToByteArray();
      makeDirs(dirname(path));
      writeFileSync(path, body ?? new Uint8Array());
      objects++;
      bytes += body?.byteLength ?? 0;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return { objects, bytes, dir: resolve(dir) };
}

/** Deletes every object version and delete marker, 1,000 a call; returns how many went. */
export async function emptyBucket(s3: S3Client, bucket: string, signal?: AbortSignal): Promise<number> {
  let deleted = 0;
  // List again until nothing is left: a writer (Firehose) may add objects while we delete.
  for (let round = 0; round < 10; round++) {
    const batch: Array<{ Key: string; VersionId?: string }> = [];
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    let versioned = true;
    try {
      do {
        const page = await s3.send(
          new ListObjectVersionsCommand({
            Bucket: bucket,
            KeyMarker: keyMarker,
            VersionIdMarker: versionMarker,
          }),
          { abortSignal: signal },
        );
        // Every version by its id, "null" too: on a versioned bucket a delete without the id would only
        // add a delete marker and leave the object version that predates versioning in place.
        for (const v of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
          if (v.Key) batch.push({ Key: v.Key, ...(v.VersionId ? { VersionId: v.VersionId } : {}) });
        }
        keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
        versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
      } while (keyMarker);
    } catch (error) {
      if (isMissingBucket(error)) return deleted;
      // A store without versioning support: plain listing finds every object there is.
      versioned = false;
    }
    if (!versioned) {
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }), {
          abortSignal: signal,
        });
        for (const o of page.Contents ?? []) if (o.Key) batch.push({ Key: o.Key });
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    }
    if (batch.length === 0) return deleted;
    for (let i = 0; i < batch.length; i += 1000) {
      const objects = batch.slice(i, i + 1000);
      const out = await s3.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }),
        {
          abortSignal: signal,
        },
      );
      const errors = out.Errors ?? [];
      if (errors.length > 0) {
        const first = errors[0];
        throw new Error(
          `could not delete ${errors.length} objects from ${bucket} (${first?.Code}: ${first?.Message} on ${first?.Key})`,
        );
      }
      deleted += objects.length;
    }
  }
  return deleted;
}

/** Export (optional), empty the bucket, delete the stack; a non-empty bucket found late is emptied and retried once. */
export async function teardownStack(
  clients: { cloudformation: CloudFormationClient; s3: S3Client },
  stack: StackState,
  options: TeardownOptions = {},
): Promise<TeardownResult> {
  const cf = clients.cloudformation;
  const buckets = await stackBuckets(cf, stack);
  let exported = 0;
  let deletedObjects = 0;
  for (const bucket of buckets) {
    if (options.exportDir) {
      // One bucket exports into the folder itself; several each into a folder named after it.
      const dir = buckets.length > 1 ? join(options.exportDir, bucket) : options.exportDir;
      options.onUpdate?.({ type: 'phase', message: `exporting s3://${bucket} to ${dir}` });
      try {
        const result = await exportBucket(clients.s3, bucket, dir, options.signal);
        exported += result.objects;
        options.onUpdate?.({ type: 'exported', ...result });
      } catch (error) {
        if (!isMissingBucket(error)) throw error;
      }
    }
    options.onUpdate?.({ type: 'phase', message: `emptying s3://${bucket}` });
    const deleted = await emptyBucket(clients.s3, bucket, options.signal);
    deletedObjects += deleted;
    options.onUpdate?.({ type: 'emptied', bucket, deleted });
  }
  const resources = await cf.send(new DescribeStackResourcesCommand({ StackName: stack.id }));
  // Some endpoints list resources they never made without an id (moto): nothing of them to name.
  const deletedResources = (resources.StackResources ?? [])
    .map((r) => r.LogicalResourceId ?? '')
    .filter(Boolean);
  try {
    await deleteStack(cf, stack, options);
  } catch (error) {
    const failure = error as StackFailure;
    // Firehose may have written one more object between emptying and its own deletion.
    if (
      buckets.length === 0 ||
      failure.name !== 'StackFailure' ||
      !failure.failures.some((f) => /not empty/i.test(f.reason ?? ''))
    ) {
      throw error;
    }
    for (const bucket of buckets) {
      options.onUpdate?.({ type: 'refilled', bucket });
      const again = await emptyBucket(clients.s3, bucket, options.signal);
      deletedObjects += again;
      options.onUpdate?.({ type: 'emptied', bucket, deleted: again });
    }
    await deleteStack(cf, stack, options);
  }
  return { bucket: buckets[0], buckets, exported, deletedObjects, deletedResources };
}
