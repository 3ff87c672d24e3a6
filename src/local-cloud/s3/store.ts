// The S3 backend's files: s3rver's filesystem store with the faults that lose or corrupt data fixed
// where they arise, in the store, so every route of s3rver benefits, and the file steps the object
// store (object-store.ts) builds versions and conditional writes from:
// - objects are written to a temp file and renamed into place: a reader or a crash never sees half an
//   object (s3rver writes in place);
// - deleting tidies empty folders tolerantly: s3rver's tidy-up lists and removes folders without
//   expecting a concurrent delete or write in the same folder, so DeleteObjects of keys in one "folder"
//   failed (ENOENT/ENOTEMPTY) and a write racing a tidy-up could crash the process;
// - listings walk the whole prefix and sort by key (s3rver walks files in path order, which differs from
//   key order when keys share a stem, e.g. `a/b` and `a.b`, so a page could skip keys);
// - noncurrent versions live in a hidden bucket folder, `_versions/<bucket>/data/<storage id>`, so s3rver
//   serves them (ranges, metadata, tagging) as it serves any object, and each key's history in
//   `_versions/<bucket>/keys/<key>`. `_versions` is no valid bucket name: no client can address it.
// Runs in the S3 backend process.
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import {
  access,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import S3Object from 's3rver/lib/models/object.js';
import FilesystemStore, { type StoredMetadata, type StoredObject } from 's3rver/lib/stores/filesystem.js';
import { KeyLocks } from './key-locks.js';
import { type ListQuery, listPage, sortKeys } from './listing.js';

const OBJECT_SUFFIX = '._S3rver_object';
const HISTORY_SUFFIX = '._S3rver_versions.json';
/** The files of one object, by s3rver's resource names: its content first. */
const OBJECT_FILES = ['object', 'object.md5', 'metadata.json', 'tagging.xml'];
const UPLOADS_DIR = '._S3rver_uploads';

/** The hidden folder (a bucket to s3rver) that keeps noncurrent versions and histories. */
export const VERSIONS_BUCKET = '_versions';

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

/** An object's content written to a temp file, not yet in its place. */
export interface StagedContent {
  temp: string;
  size: number;
  md5: string;
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

/** The stored metadata of a new object: what s3rver keeps, plus x-amz-meta-* and `extra` fields. */
export function objectMetadata(
  headers: Record<string, string>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (S3Object.ALLOWED_METADATA.includes(name) || name.startsWith('x-amz-meta-')) kept[name] = value;
  }
  return { ...kept, ...extra };
}

export class LocalStore extends FilesystemStore {
  /** Every change to a key's files and history holds its lock. */
  readonly locks = new KeyLocks();

  constructor(
    rootDirectory: string,
    private readonly tempDirectory: string,
  ) {
    super(rootDirectory);
  }

  /** Where a noncurrent version's files are kept, as a key of the hidden bucket. */
  storageKey(bucket: string, storage: string): string {
    return `${bucket}/data/${storage}`;
  }

  private historyPath(bucket: string, key: string): string {
    return this.getResourcePath(VERSIONS_BUCKET, `${bucket}/keys/${key}`, 'versions.json');
  }

  /** Writes content to a temp file, measuring it. */
  async stage(content: Buffer | NodeJS.ReadableStream): Promise<StagedContent> {
    await mkdir(this.tempDirectory, { recursive: true });
    const temp = join(this.tempDirectory, randomUUID());
    const hash = createHash('md5');
    let size = 0;
    try {
      if (Buffer.isBuffer(content)) {
        hash.update(content);
        size = content.length;
        await writeFile(temp, content);
      } else {
        const measure = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            hash.update(chunk);
            size += chunk.length;
            callback(null, chunk);
          },
        });
        await pipeline(content, measure, createWriteStream(temp));
      }
    } catch (error) {
      await ignoreMissing(unlink(temp));
      throw error;
    }
    return { temp, size, md5: hash.digest('hex') };
  }

  async discard(staged: StagedContent): Promise<void> {
    await ignoreMissing(unlink(staged.temp));
  }

  /**
   * Puts staged content in the key's place with its metadata; `etag` is what object.md5 holds (the
   * content's MD5, or a multipart upload's `<md5 of the parts' md5s>-<parts>`). The caller holds the lock.
   */
  async place(
    bucket: string,
    key: string,
    staged: StagedContent,
    metadata: Record<string, unknown>,
    etag = staged.md5,
    tagging?: string,
  ): Promise<void> {
    const target = this.getResourcePath(bucket, key, 'object');
    // A tidy-up of an emptied folder may remove the folder between our mkdir and rename: try again.
    for (let attempt = 1; ; attempt++) {
      try {
        await mkdir(dirname(target), { recursive: true });
        // The new object has its own tags, or none: never the old one's.
        const tags = this.getResourcePath(bucket, key, 'tagging.xml');
        if (tagging === undefined) await ignoreMissing(unlink(tags));
        else await writeFile(tags, tagging);
        await writeFile(this.getResourcePath(bucket, key, 'object.md5'), etag);
        await writeFile(
          this.getResourcePath(bucket, key, 'metadata.json'),
          JSON.stringify(metadata, null, 2),
        );
        await rename(staged.temp, target);
        return;
      } catch (error) {
        if (code(error) !== 'ENOENT' || attempt >= 5) throw error;
      }
    }
  }

  // s3rver's own write routes (POST object) come here: the same temp-file-and-rename write, under the lock.
  override async putObject(object: StoredObject): Promise<{ size: number; md5: string }> {
    const staged = await this.stage(object.content);
    try {
      await this.locks.run(object.bucket, object.key, () =>
        this.place(object.bucket, object.key, staged, objectMetadata(object.metadata)),
      );
    } finally {
      await this.discard(staged);
    }
    return { size: staged.size, md5: staged.md5 };
  }

  /** The object's metadata, or undefined when the key has no current object. */
  async metadata(bucket: string, key: string): Promise<StoredMetadata | undefined> {
    try {
      return await this.getMetadata(bucket, key);
    } catch (error) {
      if (code(error) === 'ENOENT') return undefined;
      throw error;
    }
  }

  // GET and HEAD answer x-amz-tagging-count, which s3rver does not know.
  override async getObject(bucket: string, key: string, options?: unknown): Promise<S3ObjectLike | null> {
    const object = await super.getObject(bucket, key, options);
    if (object) {
      const tags = await this.tagCount(bucket, key);
      if (tags > 0) object.metadata['x-amz-tagging-count'] = String(tags);
    }
    return object;
  }

  private async tagCount(bucket: string, key: string): Promise<number> {
    try {
      const xml = await readFile(this.getResourcePath(bucket, key, 'tagging.xml'), 'utf8');
      return xml.match(/<Tag>/g)?.length ?? 0;
    } catch (error) {
      if (code(error) === 'ENOENT') return 0;
      throw error;
    }
  }

  /** Moves an object's files to another key (of any bucket, the hidden one included). */
  async move(from: { bucket: string; key: string }, to: { bucket: string; key: string }): Promise<void> {
    const target = this.getResourcePath(to.bucket, to.key, 'object');
    await mkdir(dirname(target), { recursive: true });
    // Content last: until it arrives, the target is no object; once it is gone, the source is none.
    for (const resource of [...OBJECT_FILES.slice(1), OBJECT_FILES[0] as string]) {
      await ignoreMissing(
        rename(
          this.getResourcePath(from.bucket, from.key, resource),
          this.getResourcePath(to.bucket, to.key, resource),
        ),
      );
    }
    await this.tidy(from.bucket, from.key);
  }

  override async deleteObject(bucket: string, key: string): Promise<void> {
    await ignoreMissing(unlink(this.getResourcePath(bucket, key, 'object')));
    await Promise.all(
      OBJECT_FILES.slice(1).map((resource) =>
        ignoreMissing(unlink(this.getResourcePath(bucket, key, resource))),
      ),
    );
    await this.tidy(bucket, key);
  }

  /** Removes the folders a key's files emptied, deepest first, tolerating concurrent writes and deletes. */
  private async tidy(bucket: string, key: string): Promise<void> {
    // Stop at the first folder that still holds something, or that a concurrent delete already removed.
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

  override async deleteBucket(bucket: string): Promise<void> {
    await rm(this.getBucketPath(bucket), { recursive: true, force: true });
    await rm(join(this.getBucketPath(VERSIONS_BUCKET), bucket), { recursive: true, force: true });
  }

  /** A key's history (noncurrent versions and delete markers, newest first); empty when it has none. */
  async readHistory<T>(bucket: string, key: string): Promise<T[]> {
    try {
      return JSON.parse(await readFile(this.historyPath(bucket, key), 'utf8')) as T[];
    } catch (error) {
      if (code(error) === 'ENOENT') return [];
      throw error;
    }
  }

  async writeHistory(bucket: string, key: string, history: readonly unknown[]): Promise<void> {
    const path = this.historyPath(bucket, key);
    if (history.length === 0) {
      await ignoreMissing(unlink(path));
      await this.tidy(VERSIONS_BUCKET, `${bucket}/keys/${key}`);
      return;
    }
    await mkdir(dirname(path), { recursive: true });
    const temp = join(this.tempDirectory, randomUUID());
    await mkdir(this.tempDirectory, { recursive: true });
    await writeFile(temp, JSON.stringify(history));
    await rename(temp, path);
  }

  /** Whether any key of the bucket has a history (the bucket is or was versioned, and kept versions). */
  async hasHistory(bucket: string): Promise<boolean> {
    return (
      (await this.walkKeys(join(this.getBucketPath(VERSIONS_BUCKET), bucket, 'keys'), '', HISTORY_SUFFIX))
        .length > 0
    );
  }

  /** Every key under a prefix, in key order. */
  async listKeys(bucket: string, prefix: string): Promise<string[]> {
    return this.walkKeys(this.getBucketPath(bucket), prefix, OBJECT_SUFFIX);
  }

  /** Every key under a prefix with a history, in key order. */
  async listHistoryKeys(bucket: string, prefix: string): Promise<string[]> {
    return this.walkKeys(join(this.getBucketPath(VERSIONS_BUCKET), bucket, 'keys'), prefix, HISTORY_SUFFIX);
  }

  private async walkKeys(root: string, prefix: string, suffix: string): Promise<string[]> {
    const keys: string[] = [];
    const walk = async (relative: string): Promise<void> => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(join(root, relative), { withFileTypes: true });
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
        } else if (entry.name.endsWith(suffix)) {
          const key = relative + entry.name.slice(0, -suffix.length);
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
      const metadata = await this.metadata(bucket, key);
      if (!metadata) continue; // deleted since the walk: not listed
      objects.push({
        key,
        size: Number(metadata['content-length']),
        etag: String(metadata.etag),
        lastModified: new Date(metadata['last-modified']).toISOString(),
      });
    }
    return { objects, commonPrefixes: page.commonPrefixes, isTruncated: page.isTruncated, last: page.last };
  }

  uploadFolder(bucket: string, uploadId: string): string | undefined {
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

  /** The unfinished multipart uploads of a key (their folders). */
  async uploadsOf(bucket: string, key: string): Promise<string[]> {
    const root = this.getResourcePath(bucket, undefined, 'uploads');
    let ids: string[];
    try {
      ids = await readdir(root);
    } catch (error) {
      if (code(error) === 'ENOENT') return [];
      throw error;
    }
    const folders: string[] = [];
    for (const id of ids) {
      try {
        if ((await readFile(join(root, id, 'key'), 'utf8')) === key) folders.push(join(root, id));
      } catch (error) {
        // Not an upload folder (a completion record), or completed meanwhile.
        if (code(error) !== 'ENOENT' && code(error) !== 'ENOTDIR') throw error;
      }
    }
    return folders;
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

  /** The last-modified time of a file, or undefined when it is missing. */
  async modified(path: string): Promise<Date | undefined> {
    try {
      return (await stat(path)).mtime;
    } catch (error) {
      if (code(error) === 'ENOENT') return undefined;
      throw error;
    }
  }
}

/** What s3rver's store hands its GET route. */
export interface S3ObjectLike {
  metadata: Record<string, string>;
}
