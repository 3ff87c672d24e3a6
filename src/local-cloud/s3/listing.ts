// One page of a bucket listing, as S3 pages it: keys in UTF-8 byte order, keys that share a prefix up to
// the delimiter rolled up into one common prefix, and keys and common prefixes alike counting towards
// max-keys. Pure, so the paging rules are tested apart from the store that walks the files.

export interface ListQuery {
  prefix: string;
  delimiter: string;
  /** Entries up to and including this key (or common prefix) are skipped. */
  startAfter: string;
  maxKeys: number;
}

export interface ListPage {
  keys: string[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix of the page: the next page starts after it. */
  last?: string;
}

/** S3 orders keys by their UTF-8 bytes (JavaScript's own order is by UTF-16 code units). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function sortKeys(keys: Iterable<string>): string[] {
  return [...keys]
    .map((key) => ({ key, bytes: Buffer.from(key, 'utf8') }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map(({ key }) => key);
}

/** The page of `sortedKeys` (sorted by compareKeys) that the query asks for. */
export function listPage(sortedKeys: readonly string[], query: ListQuery): ListPage {
  const { prefix, delimiter, startAfter, maxKeys } = query;
  const page: ListPage = { keys: [], commonPrefixes: [], isTruncated: false };
  if (maxKeys <= 0) return page;
  let count = 0;
  for (const key of sortedKeys) {
    if (!key.startsWith(prefix)) continue;
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    const entry = cut >= 0 ? key.slice(0, cut + delimiter.length) : key;
    if (startAfter && compareKeys(entry, startAfter) <= 0) continue;
    if (entry === page.last) continue; // more keys under the common prefix just added
    if (count === maxKeys) {
      page.isTruncated = true;
      break;
    }
    if (cut >= 0) page.commonPrefixes.push(entry);
    else page.keys.push(entry);
    page.last = entry;
    count++;
  }
  return page;
}

export interface VersionListQuery {
  prefix: string;
  delimiter: string;
  /** Versions of keys before this key, and of this key up to versionIdMarker, are skipped. */
  keyMarker: string;
  versionIdMarker: string;
  maxKeys: number;
}

export interface VersionEntry {
  key: string;
  versionId: string;
}

export interface VersionListPage<V extends VersionEntry> {
  versions: V[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** Where the next page starts: after this key (a key or common prefix) and version. */
  nextKeyMarker?: string;
  nextVersionIdMarker?: string;
}

/**
 * One page of ListObjectVersions over `sortedKeys` (sorted by compareKeys): each key's versions newest
 * first, keys rolled up into common prefixes as listPage does, versions and common prefixes alike
 * counting towards max-keys. `versionsOf` loads a key's versions only when the page reaches it.
 */
export async function listVersionsPage<V extends VersionEntry>(
  sortedKeys: readonly string[],
  query: VersionListQuery,
  versionsOf: (key: string) => Promise<V[]>,
): Promise<VersionListPage<V>> {
  const { prefix, delimiter, keyMarker, versionIdMarker, maxKeys } = query;
  const page: VersionListPage<V> = { versions: [], commonPrefixes: [], isTruncated: false };
  let count = 0;
  const full = () => {
    if (count < maxKeys) return false;
    page.isTruncated = true;
    return true;
  };
  for (const key of sortedKeys) {
    if (!key.startsWith(prefix)) continue;
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (cut >= 0) {
      const common = key.slice(0, cut + delimiter.length);
      if (common === page.commonPrefixes[page.commonPrefixes.length - 1]) continue;
      if (keyMarker && compareKeys(common, keyMarker) <= 0) continue;
      if (full()) break;
      page.commonPrefixes.push(common);
      page.nextKeyMarker = common;
      delete page.nextVersionIdMarker;
      count++;
      continue;
    }
    const order = keyMarker ? compareKeys(key, keyMarker) : 1;
    if (order < 0 || (order === 0 && !versionIdMarker)) continue;
    let versions = await versionsOf(key);
    if (order === 0) {
      // A version id marker that names no version of the key: the key is taken as already listed.
      const at = versions.findIndex((version) => version.versionId === versionIdMarker);
      versions = at < 0 ? [] : versions.slice(at + 1);
    }
    for (const version of versions) {
      if (full()) return page;
      page.versions.push(version);
      page.nextKeyMarker = key;
      page.nextVersionIdMarker = version.versionId;
      count++;
    }
  }
  if (!page.isTruncated) {
    delete page.nextKeyMarker;
    delete page.nextVersionIdMarker;
  }
  return page;
}
