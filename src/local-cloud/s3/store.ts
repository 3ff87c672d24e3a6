// The S3 backend's object store: s3rver's filesystem store with the faults that lose or corrupt data fixed
// where they arise, in the store, so every route of s3rver benefits:
// - objects are written to a temp file and renamed into place: a reader or a crash never sees half an
//   object (s3rver writes in place);
// - deleting tidies empty folders tolerantly: s3rver's tidy-up lists and removes folders without
//   expecting a concurrent delete or write in the same folder, so DeleteObjects of keys in one "folder"
//   failed (ENOENT/ENOTEMPTY) and a write racing a tidy-up could crash the process;
// - listings walk the whole prefix and sort by key (s3rver walks files in path order, which differs from
//   key order when keys share a stem, e.g. `a/b` and `a.b`, so a page could skip keys).
// Runs in the S3 backend process.
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, mkdir, readdir, rename, rmdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import FilesystemStore, { type StoredObject } from 's3rver/lib/stores/filesystem.js';
import { type ListQuery, listPage, sortKeys } from './listing.js';

const OBJECT_SUFFIX = '._S3rver_object';
/** Files that belong to one object besides its content. */
const OBJECT_COMPANIONS = ['object.md5', 'metadata.json', 'tagging.xml'];
const UPLOADS_DIR = '._S3rver_uploads';

export interface ListedObject {
  key: string;
  size: number;
  etag: string;
  lastModified: string;
}

export interface StoreListing {
  objects: ListedObject[];
  commonPrefixes: string[];
  isTruncated: boolean;
  last?: string;
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException)?.code;
}

async function ignoreMissing(operation: Promise<unknown>): Promise<void> {
  try {
    await operation;
  } catch (error) {
    if (code(error) !== 'ENOENT') throw error;
  }
}

export class LocalStore extends FilesystemStore {
  constructor(
    rootDirectory: string,
    private readonly tempDirectory: string,
  ) {
    super(rootDirectory);
  }

  override async putObject(object: StoredObject): Promise<{ size: number; md5: string }> {
    await mkdir(this.tempDirectory, { recursive: true });
    const temp = join(this.tempDirectory, randomUUID());
    const hash = createHash('md5');
    let size = 0;
    try {
      if (Buffer.isBuffer(object.content)) {
        hash.update(object.content);
        size = object.content.length;
        await writeFile(temp, object.content);
      } else {
        const measure = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            hash.update(chunk);
            size += chunk.length;
            callback(null, chunk);
          },
        });
        await pipeline(object.content, measure, createWriteStream(temp));
      }
      const md5 = hash.digest('hex');
      const target = this.getResourcePath(object.bucket, object.key, 'object');
      // A tidy-up of an emptied folder may remove the folder between our mkdir and rename: try again.
      for (let attempt = 1; ; attempt++) {
        try {
          await mkdir(dirname(target), { recursive: true });
          // The new object has none of the old one's tags.
          await ignoreMissing(unlink(this.getResourcePath(object.bucket, object.key, 'tagging.xml')));
          await this.putMetadata(object.bucket, object.key, object.metadata, md5);
          await rename(temp, target);
          return { size, md5 };
        } catch (error) {
          if (code(error) !== 'ENOENT' || attempt >= 5) throw error;
        }
      }
    } finally {
      await ignoreMissing(unlink(temp));
    }
  }

  override async deleteObject(bucket: string, key: string): Promise<void> {
    await ignoreMissing(unlink(this.getResourcePath(bucket, key, 'object')));
    await Promise.all(
      OBJECT_COMPANIONS.map((resource) => ignoreMissing(unlink(this.getResourcePath(bucket, key, resource)))),
    );
    // Remove the folders this key emptied, deepest first; stop at the first that still holds something,
    // or that a concurrent delete already removed.
    const parts = key.split('/').slice(0, -1);
    while (parts.length > 0) {
      try {
        await rmdir(join(this.getBucketPath(bucket), ...parts));
      } catch (error) {
        const reason = code(error);
        if (reason === 'ENOTEMPTY' || reason === 'EEXIST' || reason === 'ENOENT') return;
        throw error;
      }
      parts.pop();
    }
  }

  /** Every key under a prefix, in key order. */
  async listKeys(bucket: string, prefix: string): Promise<string[]> {
    const keys: string[] = [];
    const walk = async (relative: string): Promise<void> => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(join(this.getBucketPath(bucket), relative), { withFileTypes: true });
      } catch (error) {
        if (code(error) === 'ENOENT') return; // removed by a concurrent delete
        throw error;
      }
      for (const entry of entries) {
        if (entry.isDirectory()) {
          if (relative === '' && entry.name === UPLOADS_DIR) continue;
          const folder = `${relative}${entry.name}/`;
          // Only folders that can hold keys under the prefix.
          if (folder.startsWith(prefix) || prefix.startsWith(folder)) await walk(folder);
        } else if (entry.name.endsWith(OBJECT_SUFFIX)) {
          const key = relative + entry.name.slice(0, -OBJECT_SUFFIX.length);
          if (key.startsWith(prefix)) keys.push(key);
        }
      }
    };
    await walk('');
    return sortKeys(keys);
  }

  async list(bucket: string, query: ListQuery): Promise<StoreListing> {
    const page = listPage(await this.listKeys(bucket, query.prefix), query);
    const objects: ListedObject[] = [];
    for (const key of page.keys) {
      try {
        const metadata = await this.getMetadata(bucket, key);
        objects.push({
          key,
          size: Number(metadata['content-length']),
          etag: String(metadata.etag),
          lastModified: new Date(metadata['last-modified']).toISOString(),
        });
      } catch (error) {
        if (code(error) !== 'ENOENT') throw error; // deleted since the walk: not listed
      }
    }
    return { objects, commonPrefixes: page.commonPrefixes, isTruncated: page.isTruncated, last: page.last };
  }

  private uploadFolder(bucket: string, uploadId: string): string | undefined {
    // s3rver's upload ids are hex; anything else would name a path outside the uploads folder.
    if (!/^[0-9a-f]+$/.test(uploadId)) return undefined;
    return join(this.getResourcePath(bucket, undefined, 'uploads'), uploadId);
  }

  async uploadExists(bucket: string, uploadId: string): Promise<boolean> {
    const folder = this.uploadFolder(bucket, uploadId);
    if (!folder) return false;
    try {
      await access(join(folder, 'key'));
      return true;
    } catch {
      return false;
    }
  }

  /** Removes an unfinished multipart upload; false when there is none by that id. */
  async abortUpload(bucket: string, uploadId: string): Promise<boolean> {
    const folder = this.uploadFolder(bucket, uploadId);
    if (!folder) return false;
    try {
      const files = await readdir(folder);
      await Promise.all(files.map((file) => ignoreMissing(unlink(join(folder, file)))));
      await rmdir(folder);
      return true;
    } catch (error) {
      if (code(error) === 'ENOENT') return false;
      throw error;
    }
  }
}
