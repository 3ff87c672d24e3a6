// One change at a time per object key: a conditional write checks and replaces, a versioned write
// archives and replaces, as one step, however many requests for the key arrive at once.

export class KeyLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `work` once every earlier holder of the key's lock is done. */
  async run<T>(bucket: string, key: string, work: () => Promise<T>): Promise<T> {
    const name = `${bucket}/${key}`;
    const before = this.tails.get(name) ?? Promise.resolve();
    const result = before.then(work, work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(name, tail);
    try {
      return await result;
    } finally {
      // The last holder leaves nothing behind.
      if (this.tails.get(name) === tail) this.tails.delete(name);
    }
  }
}
