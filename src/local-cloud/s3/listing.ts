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
