// kinesalite ships no types; these cover the parts the local cloud uses.
declare module 'kinesalite' {
  import type { Server } from 'node:http';

  interface KinesaliteOptions {
    path?: string;
    createStreamMs?: number;
    deleteStreamMs?: number;
    updateStreamMs?: number;
    shardLimit?: number;
  }
  function kinesalite(options?: KinesaliteOptions): Server;
  export = kinesalite;
}

declare module 'kinesalite/db/index.js' {
  interface SubLevel<V> {
    get(key: string, callback: (error: (Error & { name: string }) | null, value: V) => void): void;
    put(key: string, value: V, callback: (error: Error | null) => void): void;
    del(key: string, callback: (error: Error | null) => void): void;
    createReadStream(): NodeJS.ReadableStream;
  }
  interface Store {
    db: { close(callback: (error?: Error) => void): void };
    metaDb: SubLevel<Record<string, unknown>>;
    deleteStreamDb(name: string, callback: (error?: Error | null) => void): void;
  }
  interface SequenceParts {
    shardCreateTime: number;
    seqTime?: number;
    shardIx: number;
    seqIx?: string | number;
    version?: number;
  }
  const db: {
    create(options: { path: string }): Store;
    parseSequence(sequence: string): SequenceParts;
    stringifySequence(parts: Partial<SequenceParts> & { shardCreateTime: number; shardIx: number }): string;
    shardIdName(index: number): string;
    partitionKeyToHashKey(key: string): { comparedTo(other: unknown): number; toFixed(): string };
    ITERATOR_PWD_KEY: Buffer;
    ITERATOR_PWD_IV: Buffer;
  };
  export = db;
}
