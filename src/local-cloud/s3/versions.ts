// The versions of one key, as S3's versioning defines them, apart from where their bytes are kept: the
// current object (the latest version, when it is an object) and the key's history (noncurrent versions
// and delete markers, newest first). Each change is planned here as the new history plus the file steps
// that make it so; the S3 backend (object-store.ts) carries the steps out. Pure (new version ids apart), so
// the rules are tested on their own.
//
// The rules (S3 user guide, "Using versioning in S3 buckets"):
// - Enabled: every write adds a version with a new id; the previous current version becomes noncurrent.
//   A delete without a version id adds a delete marker (a new id) as the latest version.
// - Suspended: a write replaces the "null" version wherever it is; a delete without a version id removes
//   the "null" version and adds a delete marker whose id is "null".
// - Never versioned: the one version is "null" and is replaced in place.
// - A delete with a version id removes that version for good; when it was the latest, the next newest
//   becomes the latest (an object again, or a delete marker).

import { randomBytes } from 'node:crypto';

export const NULL_VERSION = 'null';

const VERSION_ID_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._';

/** A new version id: 32 letters, digits, dots and underscores, as S3's are. */
export function newVersionId(): string {
  return [...randomBytes(32)].map((byte) => VERSION_ID_CHARACTERS[byte % 64]).join('');
}

/** Version ids S3 could have issued: any other is InvalidArgument rather than NoSuchVersion. */
export function isVersionIdWellFormed(versionId: string): boolean {
  // S3's ids carry more structure than their shape (a changed one is refused too); that rule is not
  // known here, so the local cloud checks the shape only.
  return versionId === NULL_VERSION || /^[A-Za-z0-9._]{32}$/.test(versionId);
}

/** What the key's current object is, as far as its versions go. */
export interface CurrentVersion {
  versionId: string;
  lastModified: string;
  etag: string;
  size: number;
  storageClass?: string;
}

/** A noncurrent object version (its files kept under `storage`) or a delete marker. */
export interface PastVersion {
  versionId: string;
  lastModified: string;
  deleteMarker?: true;
  storage?: string;
  etag?: string;
  size?: number;
  storageClass?: string;
}

export interface KeyVersions {
  current?: CurrentVersion;
  /** Newest first. */
  history: PastVersion[];
}

/** File steps, in order: each moves or removes one version's files. */
export type VersionStep =
  | { kind: 'archive-current'; storage: string }
  | { kind: 'drop-current' }
  | { kind: 'drop-archived'; storage: string }
  | { kind: 'restore'; storage: string };

export interface VersionPlan {
  /** The key's history once the steps are done. */
  history: PastVersion[];
  steps: VersionStep[];
}

function archived(current: CurrentVersion, storage: string): PastVersion {
  return {
    versionId: current.versionId,
    lastModified: current.lastModified,
    storage,
    etag: current.etag,
    size: current.size,
    ...(current.storageClass ? { storageClass: current.storageClass } : {}),
  };
}

/** Without the "null" version in the history, with the steps that drop its files. */
function withoutNullInHistory(history: PastVersion[], steps: VersionStep[]): PastVersion[] {
  return history.filter((version) => {
    if (version.versionId !== NULL_VERSION) return true;
    if (version.storage) steps.push({ kind: 'drop-archived', storage: version.storage });
    return false;
  });
}

/**
 * A new object version `versionId` is written to the key (PutObject, CopyObject, CompleteMultipartUpload).
 * The steps run before the new object takes the current place; `storage` names where the current object's
 * files go if it is kept as a noncurrent version.
 */
export function planWrite(state: KeyVersions, versionId: string, storage: string): VersionPlan {
  const steps: VersionStep[] = [];
  let history = state.history;
  if (versionId === NULL_VERSION) history = withoutNullInHistory(history, steps);
  const { current } = state;
  // A "null" current object is replaced by a "null" write (the write overwrites its files).
  if (current && !(current.versionId === NULL_VERSION && versionId === NULL_VERSION)) {
    steps.push({ kind: 'archive-current', storage });
    history = [archived(current, storage), ...history];
  }
  return { history, steps };
}

/**
 * A delete without a version id on a versioned bucket: a delete marker `markerId` ("null" when versioning
 * is suspended) becomes the latest version.
 */
export function planDeleteMarker(
  state: KeyVersions,
  markerId: string,
  now: string,
  storage: string,
): VersionPlan {
  const steps: VersionStep[] = [];
  let history = state.history;
  if (markerId === NULL_VERSION) history = withoutNullInHistory(history, steps);
  const { current } = state;
  if (current) {
    if (current.versionId === NULL_VERSION && markerId === NULL_VERSION) {
      steps.push({ kind: 'drop-current' });
    } else {
      steps.push({ kind: 'archive-current', storage });
      history = [archived(current, storage), ...history];
    }
  }
  return { history: [{ versionId: markerId, lastModified: now, deleteMarker: true }, ...history], steps };
}

export interface VersionDeletion extends VersionPlan {
  /** The version removed; undefined when the key has no such version. */
  removed?: { versionId: string; deleteMarker: boolean };
}

/** After a removal: when the latest version left is an object, its files become the current object. */
function settle(hasCurrent: boolean, history: PastVersion[], steps: VersionStep[]): PastVersion[] {
  const [latest, ...rest] = history;
  if (hasCurrent || !latest || latest.deleteMarker || !latest.storage) return history;
  steps.push({ kind: 'restore', storage: latest.storage });
  return rest;
}

/** A delete with a version id: that version goes for good. */
export function planDeleteVersion(state: KeyVersions, versionId: string): VersionDeletion {
  const steps: VersionStep[] = [];
  if (state.current?.versionId === versionId) {
    steps.push({ kind: 'drop-current' });
    return {
      history: settle(false, state.history, steps),
      steps,
      removed: { versionId, deleteMarker: false },
    };
  }
  const index = state.history.findIndex((version) => version.versionId === versionId);
  const found = state.history[index];
  if (!found) return { history: state.history, steps };
  if (found.storage) steps.push({ kind: 'drop-archived', storage: found.storage });
  const history = state.history.filter((_, i) => i !== index);
  return {
    history: settle(state.current !== undefined, history, steps),
    steps,
    removed: { versionId, deleteMarker: found.deleteMarker === true },
  };
}

/** The latest version of the key: the current object, else the newest entry of its history. */
export function latestVersion(
  state: KeyVersions,
): { versionId: string; deleteMarker: boolean; lastModified: string } | undefined {
  if (state.current) return { ...state.current, deleteMarker: false };
  const [latest] = state.history;
  return latest ? { ...latest, deleteMarker: latest.deleteMarker === true } : undefined;
}

/** One entry of ListObjectVersions: an object version or a delete marker. */
export interface ListedVersion {
  key: string;
  versionId: string;
  isLatest: boolean;
  lastModified: string;
  deleteMarker: boolean;
  etag?: string;
  size?: number;
  storageClass?: string;
}

/** Every version of the key, newest first, as ListObjectVersions lists them. */
export function listedVersions(key: string, state: KeyVersions): ListedVersion[] {
  const listed: ListedVersion[] = [];
  if (state.current) listed.push({ key, ...state.current, isLatest: true, deleteMarker: false });
  for (const version of state.history) {
    listed.push({
      key,
      versionId: version.versionId,
      isLatest: listed.length === 0,
      lastModified: version.lastModified,
      deleteMarker: version.deleteMarker === true,
      ...(version.etag !== undefined ? { etag: version.etag } : {}),
      ...(version.size !== undefined ? { size: version.size } : {}),
      ...(version.storageClass ? { storageClass: version.storageClass } : {}),
    });
  }
  return listed;
}
