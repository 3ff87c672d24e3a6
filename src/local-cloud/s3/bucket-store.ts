// What the edge knows about each bucket beyond s3rver's objects: its region and configurations. s3rver
// stays the authority on whether a bucket exists; a bucket with no entry here (none should be missing,
// but a crash between the two writes could leave one) has a new bucket's settings in the default region.
import { join } from 'node:path';
import { JsonState } from '../state.js';
import {
  type EncryptionRule,
  type LoggingEnabled,
  NEW_BUCKET_DEFAULTS,
  type ObjectOwnership,
  type PublicAccessBlock,
  type Tag,
  type VersioningStatus,
} from './bucket-config.js';
import { NULL_VERSION, newVersionId } from './versions.js';

export interface BucketSettings {
  region: string;
  /** The policy document as the client sent it (S3 returns it as stored). */
  policy?: string;
  publicAccessBlock?: PublicAccessBlock;
  encryption: EncryptionRule;
  ownership?: ObjectOwnership;
  tags?: Tag[];
  /** Unset: never versioned (a bucket once versioned can only be suspended, never unversioned again). */
  versioning?: VersioningStatus;
  /** Where server access logs would go (PutBucketLogging); the local cloud keeps it, delivers no logs. */
  logging?: LoggingEnabled;
  /** The LocationConstraint the bucket was created with, when it differs from its region ("EU"). */
  locationConstraint?: string;
}

export function newBucketSettings(region: string, ownership?: ObjectOwnership): BucketSettings {
  return {
    region,
    publicAccessBlock: { ...NEW_BUCKET_DEFAULTS.publicAccessBlock },
    encryption: { ...NEW_BUCKET_DEFAULTS.encryption },
    ownership: ownership ?? NEW_BUCKET_DEFAULTS.ownership,
  };
}

export class BucketStore {
  private readonly state: JsonState<Record<string, BucketSettings>>;

  constructor(
    dataDir: string,
    private readonly defaultRegion: string,
  ) {
    this.state = new JsonState(join(dataDir, 'buckets.json'), {});
  }

  get(bucket: string): BucketSettings {
    return this.state.get()[bucket] ?? newBucketSettings(this.defaultRegion);
  }

  set(bucket: string, settings: BucketSettings): Promise<void> {
    return this.state.update((all) => ({ ...all, [bucket]: settings }));
  }

  update(bucket: string, change: (settings: BucketSettings) => BucketSettings): Promise<void> {
    return this.set(bucket, change(this.get(bucket)));
  }

  remove(bucket: string): Promise<void> {
    return this.state.update(({ [bucket]: _removed, ...rest }) => rest);
  }
}

/** The id of a new version written to the bucket: new, "null" while suspended, none if never versioned. */
export function newVersionFor(settings: BucketSettings): string | undefined {
  if (settings.versioning === 'Enabled') return newVersionId();
  if (settings.versioning === 'Suspended') return NULL_VERSION;
  return undefined;
}
