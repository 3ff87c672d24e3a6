// Small JSON state files for services whose state is not kept by a backend (Lambda, Firehose, IAM, ...).
// Written atomically (temp file + rename), one write at a time, so a crash leaves the old or the new state,
// never half of one.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export class JsonState<T> {
  private value: T;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    initial: T,
  ) {
    this.value = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : initial;
  }

  get(): T {
    return this.value;
  }

  /** Replaces the state and persists it; resolves once it is on disk. */
  set(value: T): Promise<void> {
    this.value = value;
    const snapshot = JSON.stringify(value);
    this.writing = this.writing.then(async () => {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      const temp = `${this.path}.${process.pid}.tmp`;
      await writeFile(temp, snapshot, { mode: 0o600 });
      await rename(temp, this.path);
    });
    return this.writing;
  }

  /** Applies a change to the state and persists it. */
  update(change: (value: T) => T): Promise<void> {
    return this.set(change(this.value));
  }
}
