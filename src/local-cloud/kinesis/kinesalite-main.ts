// The kinesalite child process: repairs what an earlier stop interrupted, then serves kinesalite on
// 127.0.0.1 (its own CLI binds every interface) with LevelDB under the region's data folder.
import { existsSync, readFileSync } from 'node:fs';
import kinesalite from 'kinesalite';
import kinesaliteDb from 'kinesalite/db/index.js';
import { reportReady } from '../backend.js';
import { LOCAL_ACCOUNT_ID } from '../options.js';
import { installFastSequences } from './fast-sequences.js';
import type { RegionMeta } from './metadata.js';
import { repairStream, type StoredStream } from './repair.js';

export interface KinesaliteChildOptions {
  /** LevelDB folder. */
  path: string;
  /** The edge's metadata file for this region (read only, for shard counts). */
  metaPath: string;
  region: string;
  shardLimit: number;
  /** How long kinesalite keeps a stream CREATING, DELETING, or UPDATING after a split or merge. */
  transitionMs: number;
}

function readMeta(path: string): RegionMeta {
  try {
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as RegionMeta) : {};
  } catch {
    return {};
  }
}

function promise<T>(run: (callback: (error?: Error | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    run((error, value) => (error ? reject(error) : resolve(value as T))),
  );
}

async function repair(options: KinesaliteChildOptions): Promise<void> {
  const store = kinesaliteDb.create({ path: options.path });
  const meta = readMeta(options.metaPath);
  try {
    const streams: StoredStream[] = [];
    await new Promise<void>((resolve, reject) => {
      store.metaDb
        .createReadStream()
        .on('data', (entry: { value: StoredStream }) => streams.push(entry.value))
        .on('end', () => resolve())
        .on('error', reject);
    });
    for (const stream of streams) {
      const name = stream.StreamName;
      const repaired = repairStream(stream, meta[name]?.shardCount);
      if (repaired.action === 'keep') continue;
      if (repaired.action === 'put') {
        await promise<void>((done) => store.metaDb.put(name, repaired.stream, done));
      } else {
        await promise<void>((done) => store.deleteStreamDb(name, done));
        await promise<void>((done) => store.metaDb.del(name, done));
      }
      console.log(`stream ${name}: ${repaired.note}`);
    }
  } finally {
    await promise<void>((done) => store.db.close(done));
  }
}

const options = JSON.parse(process.argv[2] ?? '{}') as KinesaliteChildOptions;
// kinesalite takes the region and account of its ARNs and messages from the environment.
process.env.AWS_REGION = options.region;
process.env.AWS_ACCOUNT_ID = LOCAL_ACCOUNT_ID;

installFastSequences();
await repair(options);
const server = kinesalite({
  path: options.path,
  shardLimit: options.shardLimit,
  createStreamMs: options.transitionMs,
  deleteStreamMs: options.transitionMs,
  updateStreamMs: options.transitionMs,
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  reportReady(port, () => server.close(() => undefined));
});
