// State that changes faster than React should re-render lives here, outside React: a tiny observable
// value (read with useSyncExternalStore) and a fixed-size ring buffer. Producers write to them freely;
// the screen reads a snapshot on its own timer.

export type Listener = () => void;

/** One value and its listeners. `set` replaces it (a new object each time, so React sees a change). */
export class Store<T> {
  private listeners = new Set<Listener>();

  constructor(private value: T) {}

  readonly get = (): T => this.value;

  readonly subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  set(next: T | ((previous: T) => T)): void {
    const value = typeof next === 'function' ? (next as (previous: T) => T)(this.value) : next;
    if (Object.is(value, this.value)) return;
    this.value = value;
    for (const listener of this.listeners) listener();
  }

  /** Merges fields into an object value. */
  update(patch: Partial<T>): void {
    this.set((previous) => ({ ...previous, ...patch }));
  }
}

/** The last `capacity` items pushed, oldest overwritten; `version` counts pushes so readers see change. */
export class RingBuffer<T> {
  private readonly items: Array<T | undefined>;
  private next = 0;
  private count = 0;
  version = 0;

  constructor(readonly capacity: number) {
    if (!(capacity > 0)) throw new RangeError('a ring buffer holds at least one item');
    this.items = new Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    this.version++;
  }

  /** Pushes many; when there are more than clip, only the newest are kept (and copied). */
  pushAll(items: readonly T[]): void {
    const start = Math.max(0, items.length - this.capacity);
    for (let i = start; i < items.length; i++) this.push(items[i] as T);
    this.version += start;
  }

  /** Up to `limit` items, newest first, optionally only those `keep` accepts. */
  newestFirst(limit = this.capacity, keep?: (item: T) => boolean): T[] {
    const out: T[] = [];
    for (let i = 1; i <= this.count && out.length < limit; i++) {
      const item = this.items[(this.next - i + this.capacity) % this.capacity] as T;
      if (!keep || keep(item)) out.push(item);
    }
    return out;
  }

  clear(): void {
    this.items.fill(undefined);
    this.next = 0;
    this.count = 0;
    this.version++;
  }
}
