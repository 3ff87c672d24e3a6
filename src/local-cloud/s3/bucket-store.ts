// What the edge knows about each bucket beyond s3rver's objects: its region and configurations. s3rver
// stays the authority on whether a bucket exists; a bucket with no entry here (none should be missing,
// but a crash between the two writes could leave one) has a new bucket's settings in the default region.
import { join } from 'node:path';
import { JsonState } from '../state.js';
import {
  type EncryptionRule,
  NEW_BUCKET_DEFAULTS,
  type ObjectOwnership,
  type PublicAccessBlock,
  type Tag,
} from './bucket-config.js';

export interface BucketSettings {
  region: string;
  /** The policy document as the client sent it (S3 returns it as stored). */
  policy?: string;
  publicAccessBlock?: PublicAccessBlock;
  encryption: EncryptionRule;
  ownership?: ObjectOwnership;
  tags?: Tag[];
  /** Only Suspended is ever stored: Enabled is refused (see the service). Unset: never versioned. */
  versioning?: 'Suspended';
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
