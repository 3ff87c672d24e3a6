// s3rver ships no types; the local cloud uses the few parts declared here, in its S3 backend process only.
declare module 's3rver' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  interface S3rverOptions {
    directory: string;
    silent?: boolean;
    vhostBuckets?: boolean;
    allowMismatchedSignatures?: boolean;
  }

  export default class S3rver {
    constructor(options: S3rverOptions);
    store: unknown;
    context: { store: unknown };
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
  }
}

declare module 's3rver/lib/stores/filesystem.js' {
  export interface StoredMetadata {
    etag: string;
    'last-modified': string;
    'content-length': number;
    [header: string]: string | number;
  }

  export interface StoredObject {
    bucket: string;
    key: string;
    content: Buffer | NodeJS.ReadableStream;
    metadata: Record<string, string>;
  }

  export default class FilesystemStore {
    constructor(rootDirectory: string);
    rootDirectory: string;
    getBucketPath(bucket: string): string;
    getBucket(bucket: string): Promise<{ name: string; creationDate: Date } | null>;
    getResourcePath(bucket: string, key: string | undefined, resource: string): string;
    getMetadata(bucket: string, key: string): Promise<StoredMetadata>;
    putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void>;
    putObject(object: StoredObject): Promise<{ size: number; md5: string }>;
    getObject(
      bucket: string,
      key: string,
      options?: unknown,
    ): Promise<{ metadata: Record<string, string> } | null>;
    deleteBucket(bucket: string): Promise<void>;
    deleteObject(bucket: string, key: string): Promise<void>;
  }
}

declare module 's3rver/lib/models/object.js' {
  /** s3rver's object model: picks the metadata it keeps, and refuses an unknown storage class. */
  export default class S3Object {
    static ALLOWED_METADATA: string[];
    constructor(bucket: string, key: string, content: unknown, metadata: Record<string, string>);
    metadata: Record<string, string>;
  }
}
