// What the S3 backend does with objects beyond s3rver: writes that hold under conditions, versions
// (versions.ts decides, the files follow), multipart uploads completed as S3 completes them (the
// multipart ETag, part sizes kept for GetObject's partNumber, a repeated completion answered again), and
// the reads of a version or a part. Every change to a key runs under its lock, so a condition and the
// write it guards, or an archive and the write that follows, are one step. Runs in the S3 backend process.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { StoredMetadata } from 's3rver/lib/stores/filesystem.js';
import { PARTS_COUNT_HEADER, VERSION_HEADER } from './backend-routes.js';
import { assertConditions, conditionalRequestConflict, type WriteConditions } from './conditions.js';
import {
  deleteMarkerMethodNotAllowed,
  invalidVersionId,
  noSuchKey,
  noSuchUpload,
  noSuchVersion,
  S3Error,
} from './errors.js';
import { listVersionsPage, type VersionListPage, type VersionListQuery } from './listing.js';
import { resolveRange } from './ranges.js';
import { type LocalStore, objectMetadata, type StagedContent, VERSIONS_BUCKET } from './store.js';
import {
  type CurrentVersion,
  isVersionIdWellFormed,
  type KeyVersions,
  type ListedVersion,
  latestVersion,
  listedVersions,
  NULL_VERSION,
  type PastVersion,
  planDeleteMarker,
  planDeleteVersion,
  planWrite,
  type VersionStep,
} from './versions.js';

/** Kept in a multipart object's metadata file, never returned: each part's size, for partNumber reads. */
const PART_SIZES = 'x-local-cloud-part-sizes';

export interface WriteContext {
  /** The new version's id: absent on a never-versioned bucket, "null" while versioning is suspended. */
  versionId?: string;
  conditions?: WriteConditions;
  /** The new object's tags, as a Tagging document. */
  tagging?: string;
}

export interface Written {
  etag: string;
  size: number;
  lastModified: string;
  versionId?: string;
}

export interface CompletedUpload extends Written {
  key: string;
}

export interface DeleteOutcome {
  /** Whether the version deleted, or the one the delete added, is a delete marker. */
  deleteMarker: boolean;
  versionId?: string;
  /** False when a delete of a given version found no such version. */
  found?: boolean;
}

export interface ReadRequest {
  method: string;
  versionId?: string;
  partNumber?: string;
  range?: string;
  subresource?: boolean;
}

/** Where a read of the key (and version) is served from, and what S3 adds to its answer. */
export interface ReadPlan {
  bucket: string;
  key: string;
  /** The Range header to send on: a resolved range, or none (null) when the request's is to be ignored. */
  range?: string | null;
  headers: Record<string, string>;
}

export interface CopyRequest {
  source: { bucket: string; key: string; versionId?: string };
  /** The request's headers, when it replaces the metadata (x-amz-metadata-directive: REPLACE). */
  metadata?: Record<string, string>;
  /** Stored headers the copy sets whatever the directive (encryption, checksum). */
  set: Record<string, string>;
  /** Whether the copy keeps the source's tags (x-amz-tagging-directive COPY, the default). */
  keepTags: boolean;
  context: WriteContext;
}

/** A part of an upload as CompleteMultipartUpload names it. */
export interface CompletedPart {
  number: number;
  etag: string;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException)?.code;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function currentOf(metadata: StoredMetadata | undefined): CurrentVersion | undefined {
  if (!metadata) return undefined;
  const storageClass = metadata['x-amz-storage-class'];
  return {
    versionId: String(metadata[VERSION_HEADER] ?? NULL_VERSION),
    lastModified: new Date(metadata['last-modified']).toISOString(),
    etag: String(metadata.etag),
    size: Number(metadata['content-length']),
    ...(storageClass ? { storageClass: String(storageClass) } : {}),
  };
}

export class ObjectStore {
  constructor(private readonly store: LocalStore) {}

  /** The key's versions: its current object and its history. */
  async versions(bucket: string, key: string): Promise<KeyVersions> {
    const [metadata, history] = await Promise.all([
      this.store.metadata(bucket, key),
      this.store.readHistory<PastVersion>(bucket, key),
    ]);
    const current = currentOf(metadata);
    return { ...(current ? { current } : {}), history };
  }

  private async runSteps(bucket: string, key: string, steps: VersionStep[]): Promise<void> {
    const here = { bucket, key };
    const kept = (storage: string) => ({
      bucket: VERSIONS_BUCKET,
      key: this.store.storageKey(bucket, storage),
    });
    for (const step of steps) {
      if (step.kind === 'archive-current') await this.store.move(here, kept(step.storage));
      else if (step.kind === 'restore') await this.store.move(kept(step.storage), here);
      else if (step.kind === 'drop-current') await this.store.deleteObject(bucket, key);
      else await this.store.deleteObject(VERSIONS_BUCKET, this.store.storageKey(bucket, step.storage));
    }
  }

  /** Multipart uploads of the key that began before this change can no longer complete conditionally. */
  private async markUploadsConflicted(bucket: string, key: string, except?: string): Promise<void> {
    for (const folder of await this.store.uploadsOf(bucket, key)) {
      if (folder === except) continue;
      try {
        await writeFile(join(folder, 'conflict'), '');
      } catch (error) {
        if (code(error) !== 'ENOENT') throw error; // completed or aborted meanwhile
      }
    }
  }

  /**
   * Puts staged content at the key as its new current version, if the conditions hold. `upload` is the
   * multipart upload being completed, whose conditions also fail on a change made since it began.
   */
  async write(
    bucket: string,
    key: string,
    staged: StagedContent,
    metadata: Record<string, unknown>,
    context: WriteContext,
    options: { etag?: string; upload?: string } = {},
  ): Promise<Written> {
    return this.store.locks.run(bucket, key, async () => {
      // A bucket never versioned has no history, and an unconditional write there needs no look first.
      const plain = context.versionId === undefined && !context.conditions;
      const state: KeyVersions = plain ? { history: [] } : await this.versions(bucket, key);
      assertConditions(context.conditions, key, state.current);
      if (context.conditions && options.upload && (await exists(join(options.upload, 'conflict')))) {
        throw conditionalRequestConflict(context.conditions, key);
      }
      if (context.versionId !== undefined) {
        const plan = planWrite(state, context.versionId ?? NULL_VERSION, randomUUID());
        await this.runSteps(bucket, key, plan.steps);
        await this.store.writeHistory(bucket, key, plan.history);
      }
      const stored = {
        ...metadata,
        ...(context.versionId !== undefined ? { [VERSION_HEADER]: context.versionId } : {}),
      };
      const etag = options.etag ?? staged.md5;
      await this.store.place(bucket, key, staged, stored, etag, context.tagging);
      await this.markUploadsConflicted(bucket, key, options.upload);
      const lastModified =
        (await this.store.modified(this.store.getResourcePath(bucket, key, 'object'))) ?? new Date();
      return {
        etag: JSON.stringify(etag),
        size: staged.size,
        lastModified: lastModified.toISOString(),
        ...(context.versionId !== undefined ? { versionId: context.versionId } : {}),
      };
    });
  }

  /**
   * Deletes the key: a given version for good, else (versioned bucket) adds a delete marker with
   * `markerId`, else removes the object. Deleting what is not there succeeds, as in S3.
   */
  async delete(
    bucket: string,
    key: string,
    request: { versionId?: string; markerId?: string; conditions?: WriteConditions },
  ): Promise<DeleteOutcome> {
    return this.store.locks.run(bucket, key, async () => {
      // A bucket never versioned (no version, no marker asked for) has no history to look at.
      const plain = request.versionId === undefined && request.markerId === undefined && !request.conditions;
      const state: KeyVersions = plain ? { history: [] } : await this.versions(bucket, key);
      assertConditions(request.conditions, key, state.current);
      let outcome: DeleteOutcome = { deleteMarker: false };
      if (request.versionId !== undefined) {
        const plan = planDeleteVersion(state, request.versionId);
        if (!plan.removed) return { deleteMarker: false, versionId: request.versionId, found: false };
        await this.runSteps(bucket, key, plan.steps);
        await this.store.writeHistory(bucket, key, plan.history);
        outcome = { deleteMarker: plan.removed.deleteMarker, versionId: request.versionId };
      } else if (request.markerId !== undefined) {
        const plan = planDeleteMarker(state, request.markerId, new Date().toISOString(), randomUUID());
        await this.runSteps(bucket, key, plan.steps);
        await this.store.writeHistory(bucket, key, plan.history);
        outcome = { deleteMarker: true, versionId: request.markerId };
      } else {
        await this.store.deleteObject(bucket, key);
      }
      await this.markUploadsConflicted(bucket, key);
      return outcome;
    });
  }

  /**
   * Where to read the key (and version) from, or S3's error for it. `subresource` reads and writes (tags)
   * of a key whose latest version is a delete marker are refused as S3 refuses them (405), where GET and
   * HEAD of it answer NoSuchKey.
   */
  async readPlan(bucket: string, key: string, request: ReadRequest): Promise<ReadPlan> {
    const state = await this.versions(bucket, key);
    let place = { bucket, key };
    let version: { etag: string; size: number } | undefined = state.current;
    const headers: Record<string, string> = {};
    if (request.versionId !== undefined) {
      if (!isVersionIdWellFormed(request.versionId)) throw invalidVersionId();
      if (state.current?.versionId !== request.versionId) {
        const past = state.history.find((v) => v.versionId === request.versionId);
        if (!past) throw noSuchVersion(key, request.versionId);
        if (past.deleteMarker) throw deleteMarkerMethodNotAllowed(request.method, past);
        place = { bucket: VERSIONS_BUCKET, key: this.store.storageKey(bucket, past.storage ?? '') };
        version = { etag: past.etag ?? '', size: past.size ?? 0 };
      }
    } else if (!state.current) {
      const latest = latestVersion(state);
      if (latest?.deleteMarker && request.subresource)
        throw deleteMarkerMethodNotAllowed(request.method, latest);
      throw noSuchKey(
        key,
        latest?.deleteMarker ? { 'x-amz-delete-marker': 'true', 'x-amz-version-id': latest.versionId } : {},
      );
    }
    if (!version) throw noSuchKey(key);
    const plan: ReadPlan = { ...place, headers };
    if (request.partNumber !== undefined) {
      const part = await this.partRange(place.bucket, place.key, request.partNumber, version.size);
      plan.range = `bytes=${part.start}-${part.end}`;
      if (part.multipart) headers['x-amz-mp-parts-count'] = String(part.count);
    } else if (request.range !== undefined) {
      plan.range = resolveRange(request.range, version.size);
    }
    return plan;
  }

  private async partRange(bucket: string, key: string, partNumber: string, size: number) {
    const metadata = await this.store.metadata(bucket, key);
    const sizes = (metadata?.[PART_SIZES] as unknown as number[] | undefined) ?? [size];
    const number = Number(partNumber);
    if (number > sizes.length) {
      throw new S3Error('InvalidPartNumber', 'The requested partnumber is not satisfiable', 416, {
        PartNumberRequested: partNumber,
        ActualPartCount: String(sizes.length),
      });
    }
    const start = sizes.slice(0, number - 1).reduce((sum, s) => sum + s, 0);
    const partSize = sizes[number - 1] ?? 0;
    return {
      start,
      end: start + Math.max(partSize, 1) - 1,
      count: sizes.length,
      multipart: metadata?.[PART_SIZES] !== undefined,
    };
  }

  /** One page of ListObjectVersions. */
  async listVersions(bucket: string, query: VersionListQuery): Promise<VersionListPage<ListedVersion>> {
    const [current, kept] = await Promise.all([
      this.store.listKeys(bucket, query.prefix),
      this.store.listHistoryKeys(bucket, query.prefix),
    ]);
    const keys = mergeSorted(current, kept);
    return listVersionsPage(keys, query, async (key) =>
      listedVersions(key, await this.versions(bucket, key)),
    );
  }

  /**
   * Copies a version of an object to the key (CopyObject): the source's stored metadata (and tags), or
   * `metadata` when the request replaces them, with `set` (encryption, checksum) over either.
   */
  async copy(
    bucket: string,
    key: string,
    request: CopyRequest,
  ): Promise<Written & { sourceVersionId?: string }> {
    const { source } = request;
    const state = await this.versions(source.bucket, source.key);
    let place = { bucket: source.bucket, key: source.key };
    let sourceVersionId: string | undefined;
    if (source.versionId !== undefined) {
      if (!isVersionIdWellFormed(source.versionId)) throw invalidVersionId();
      if (state.current?.versionId !== source.versionId) {
        const past = state.history.find((v) => v.versionId === source.versionId);
        if (!past) throw noSuchVersion(source.key, source.versionId);
        if (past.deleteMarker) {
          throw new S3Error(
            'InvalidRequest',
            'The source of a copy request may not specifically refer to a delete marker by version id.',
          );
        }
        place = { bucket: VERSIONS_BUCKET, key: this.store.storageKey(source.bucket, past.storage ?? '') };
      }
      sourceVersionId = source.versionId;
    } else if (!state.current) {
      throw noSuchKey(source.key);
    }
    const stored = await this.store.metadata(place.bucket, place.key);
    if (!stored) throw noSuchKey(source.key);
    if (sourceVersionId === undefined && stored[VERSION_HEADER] !== undefined) {
      sourceVersionId = String(stored[VERSION_HEADER]);
    }
    const {
      etag: _etag,
      'last-modified': _modified,
      'content-length': _length,
      [VERSION_HEADER]: _version,
      [PARTS_COUNT_HEADER]: _parts,
      [PART_SIZES]: _sizes,
      ...kept
    } = stored;
    const metadata = { ...(request.metadata ? objectMetadata(request.metadata) : kept), ...request.set };
    const tagging = request.keepTags
      ? await readFile(this.store.getResourcePath(place.bucket, place.key, 'tagging.xml'), 'utf8').catch(
          () => undefined,
        )
      : undefined;
    const staged = await this.store.stage(
      createReadStream(this.store.getResourcePath(place.bucket, place.key, 'object')),
    );
    try {
      const context = tagging === undefined ? request.context : { ...request.context, tagging };
      const written = await this.write(bucket, key, staged, metadata, context);
      return { ...written, ...(sourceVersionId !== undefined ? { sourceVersionId } : {}) };
    } finally {
      await this.store.discard(staged);
    }
  }

  private completionRecord(bucket: string, uploadId: string): string {
    return join(this.store.getBucketPath(VERSIONS_BUCKET), bucket, 'completed', `${uploadId}.json`);
  }

  /**
   * Completes a multipart upload: checks the parts as S3 does, assembles them, and writes the object
   * (conditions and versions as any write). A completed upload's id answers a repeated completion with
   * the same result, as S3 does for a while after completing it.
   */
  async complete(
    bucket: string,
    key: string,
    uploadId: string,
    parts: CompletedPart[],
    context: WriteContext,
    extra: Record<string, string>,
  ): Promise<CompletedUpload> {
    const folder = this.store.uploadFolder(bucket, uploadId);
    if (!folder || !(await this.store.uploadExists(bucket, uploadId))) {
      // S3 keeps completed uploads for a while; how long is not documented. The local cloud keeps the
      // record until the bucket is deleted.
      try {
        const record = JSON.parse(
          await readFile(this.completionRecord(bucket, uploadId), 'utf8'),
        ) as CompletedUpload;
        if (record.key === key) return record;
      } catch (error) {
        if (code(error) !== 'ENOENT') throw error;
      }
      throw noSuchUpload(uploadId);
    }
    if ((await readFile(join(folder, 'key'), 'utf8')) !== key) throw noSuchUpload(uploadId);
    const md5s: Buffer[] = [];
    const sizes: number[] = [];
    for (const [index, part] of parts.entries()) {
      const previous = parts[index - 1];
      if (previous && part.number <= previous.number) {
        throw new S3Error(
          'InvalidPartOrder',
          'The list of parts was not in ascending order. Parts must be ordered by part number.',
          400,
          { UploadId: uploadId },
        );
      }
      const partFile = join(folder, String(part.number));
      const etag = part.etag.replace(/"/g, '');
      const stored = await readFile(`${partFile}.md5`, 'utf8').catch(() => undefined);
      if (stored === undefined || stored !== etag) {
        throw new S3Error(
          'InvalidPart',
          "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
          400,
          { UploadId: uploadId, PartNumber: String(part.number), ETag: etag },
        );
      }
      md5s.push(Buffer.from(stored, 'hex'));
      sizes.push((await stat(partFile)).size);
    }
    for (const [index, size] of sizes.entries()) {
      const part = parts[index] as CompletedPart;
      if (index < sizes.length - 1 && size < MIN_PART_SIZE) {
        throw new S3Error(
          'EntityTooSmall',
          'Your proposed upload is smaller than the minimum allowed size',
          400,
          {
            ETag: part.etag.replace(/"/g, ''),
            MinSizeAllowed: String(MIN_PART_SIZE),
            PartNumber: String(part.number),
            ProposedSize: String(size),
          },
        );
      }
    }
    const initiated = JSON.parse(await readFile(join(folder, 'metadata'), 'utf8')) as Record<string, string>;
    const etag = `${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${parts.length}`;
    const staged = await this.store.stage(concatenated(parts.map((p) => join(folder, String(p.number)))));
    try {
      const metadata = objectMetadata(
        { ...initiated, ...extra },
        { [PARTS_COUNT_HEADER]: String(parts.length), [PART_SIZES]: sizes },
      );
      const written = await this.write(bucket, key, staged, metadata, context, { etag, upload: folder });
      const record: CompletedUpload = { ...written, key };
      const recordPath = this.completionRecord(bucket, uploadId);
      await mkdir(dirname(recordPath), { recursive: true });
      await writeFile(recordPath, JSON.stringify(record));
      await rm(folder, { recursive: true, force: true });
      return record;
    } finally {
      await this.store.discard(staged);
    }
  }
}

/** The files' contents one after another, as one stream. */
function concatenated(paths: string[]): NodeJS.ReadableStream {
  const out = new PassThrough();
  (async () => {
    for (const path of paths) {
      for await (const chunk of createReadStream(path)) {
        if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
      }
    }
    out.end();
  })().catch((error: Error) => out.destroy(error));
  return out;
}

function mergeSorted(a: string[], b: string[]): string[] {
  if (b.length === 0) return a;
  const all = new Set([...a, ...b]);
  return [...all].sort((x, y) => Buffer.compare(Buffer.from(x, 'utf8'), Buffer.from(y, 'utf8')));
}
