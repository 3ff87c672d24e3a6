// The functions this Lambda holds: their configuration in one JSON state file, each package as a ZIP and
// unpacked into a task root under the data dir, so both survive a restart.
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCAL_ACCOUNT_ID } from '../options.js';
import { ServiceError } from '../protocol/common.js';
import { JsonState } from '../state.js';
import { type CodePackage, readPackage, unpack } from './code.js';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Principal: Record<string, string>;
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

export interface LoggingConfig {
  LogFormat: string;
  LogGroup: string;
  ApplicationLogLevel?: string;
  SystemLogLevel?: string;
}

/** What a version of a function is: $LATEST (the record itself) or a published snapshot of it. */
export interface FunctionConfig {
  name: string;
  region: string;
  runtime: string;
  role: string;
  handler: string;
  description: string;
  timeout: number;
  memorySize: number;
  environment: Record<string, string>;
  code: { sha256: string; hex: string; size: number };
  lastModified: string;
  revisionId: string;
  state: 'Pending' | 'Active' | 'Failed';
  lastUpdateStatus: 'Successful' | 'InProgress' | 'Failed';
  logging: LoggingConfig;
  architectures: string[];
  ephemeralStorage: number;
  tracingMode: string;
}

/** A published version: $LATEST's configuration and code as they were, immutable, numbered. */
export interface PublishedVersion extends FunctionConfig {
  version: string;
  /** Its own resource policy (AddPermission with the version as Qualifier). */
  policy: PolicyStatement[];
  /** $LATEST's description when it was published (PublishVersion's Description may differ). */
  sourceDescription?: string;
}

export interface AliasRecord {
  name: string;
  functionVersion: string;
  description: string;
  /** AdditionalVersionWeights: another version and the share of invocations it takes. */
  weights?: Record<string, number>;
  revisionId: string;
  policy: PolicyStatement[];
}

export interface FunctionRecord extends FunctionConfig {
  tags: Record<string, string>;
  policy: PolicyStatement[];
  policyRevisionId?: string;
  /** Published versions by number (absent in data dirs from before versions). */
  versions?: Record<string, PublishedVersion>;
  /** The highest version number ever published: numbers are never reused, even after a delete. */
  lastVersion?: number;
  aliases?: Record<string, AliasRecord>;
}

/** One version of a function, ready to run: $LATEST or a published version. */
export interface RunnableVersion extends FunctionConfig {
  version: string;
}

export function functionArn(record: Pick<FunctionRecord, 'region' | 'name'>, qualifier?: string): string {
  const arn = `arn:aws:lambda:${record.region}:${LOCAL_ACCOUNT_ID}:function:${record.name}`;
  return qualifier === undefined ? arn : `${arn}:${qualifier}`;
}

/** Every package a function still needs: $LATEST's and its published versions'. */
export function codeInUse(record: FunctionRecord): Set<string> {
  return new Set([record.code.hex, ...Object.values(record.versions ?? {}).map((v) => v.code.hex)]);
}

/** Lambda's LastModified: `2026-11-26T14:05:09.123+0000`. */
export function lastModifiedNow(): string {
  return new Date().toISOString().replace('Z', '+0000');
}

export function notFound(arn: string): ServiceError {
  return new ServiceError('ResourceNotFoundException', `Function not found: ${arn}`, 404);
}

export class FunctionStore {
  private readonly state: JsonState<{ functions: Record<string, FunctionRecord> }>;

  constructor(private readonly dataDir: string) {
    this.state = new JsonState(join(dataDir, 'functions.json'), { functions: {} });
    this.tidy();
  }

  /** Removes unpacked packages no function uses any more (left by updates and deletes). */
  private tidy(): void {
    const root = join(this.dataDir, 'code');
    if (!existsSync(root)) return;
    const functions = this.state.get().functions;
    for (const name of readdirSync(root)) {
      const record = functions[name];
      const keep = record ? codeInUse(record) : new Set<string>();
      for (const entry of readdirSync(join(root, name))) {
        if (![...keep].some((hex) => entry.startsWith(hex))) {
          rmSync(join(root, name, entry), { recursive: true, force: true });
        }
      }
    }
  }

  list(): FunctionRecord[] {
    return Object.values(this.state.get().functions).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  find(name: string): FunctionRecord | undefined {
    return this.state.get().functions[name];
  }

  /** A version as it stands now ($LATEST or published), or undefined once gone. */
  findVersion(name: string, version: string): RunnableVersion | undefined {
    const record = this.find(name);
    if (!record) return undefined;
    if (version === '$LATEST') return { ...record, version };
    const published = record.versions?.[version];
    return published ? { ...published, version } : undefined;
  }

  taskRoot(record: Pick<FunctionConfig, 'name' | 'code'>): string {
    return join(this.dataDir, 'code', record.name, record.code.hex);
  }

  zip(record: Pick<FunctionConfig, 'name' | 'code'>): Buffer {
    return readFileSync(`${this.taskRoot(record)}.zip`);
  }

  /** Stores the package and unpacks it (once per content). */
  async storeCode(name: string, pkg: CodePackage): Promise<void> {
    const root = this.taskRoot({ name, code: { hex: pkg.hex, sha256: pkg.sha256, size: pkg.zip.length } });
    if (existsSync(`${root}.zip`) && existsSync(root)) return;
    await mkdir(join(this.dataDir, 'code', name), { recursive: true, mode: 0o700 });
    await rm(root, { recursive: true, force: true });
    unpack(pkg, root);
    writeFileSync(`${root}.zip`, pkg.zip, { mode: 0o600 });
  }

  /** Unpacks a stored package again when its task root went missing (a data dir copied without it). */
  ensureUnpacked(record: FunctionConfig): void {
    const root = this.taskRoot(record);
    if (!existsSync(root) && existsSync(`${root}.zip`)) unpack(readPackage(this.zip(record)), root);
  }

  async put(record: FunctionRecord): Promise<void> {
    await this.state.update((s) => ({ functions: { ...s.functions, [record.name]: record } }));
  }

  /** Applies a change to a function that still exists, with a new revision id; returns the new record. */
  async change(name: string, apply: (record: FunctionRecord) => FunctionRecord): Promise<FunctionRecord> {
    const current = this.find(name);
    if (!current) throw new Error(`function ${name} vanished`);
    const next = { ...apply(current), revisionId: randomUUID() };
    await this.put(next);
    return next;
  }

  async remove(name: string): Promise<void> {
    await this.state.update((s) => {
      const { [name]: _, ...functions } = s.functions;
      return { functions };
    });
    await rm(join(this.dataDir, 'code', name), { recursive: true, force: true });
  }
}
