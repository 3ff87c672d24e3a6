// Per-shard throughput as AWS enforces it: a budget that refills continuously at the shard's rate and holds
// at most one second of it, so a shard idle for a while absorbs a one-second burst, and a steady writer gets
// exactly its rate. Pure: callers pass the clock.

export const MIB = 1024 * 1024;

/** Per-shard write limits: 1,000 records and 1 MiB (data plus partition key) a second. */
export const WRITE_RECORDS_PER_SECOND = 1000;
export const WRITE_BYTES_PER_SECOND = MIB;
/** Per-shard read limits: 5 GetRecords calls and 2 MiB a second. */
export const READ_CALLS_PER_SECOND = 5;
export const READ_BYTES_PER_SECOND = 2 * MIB;

export class TokenBucket {
  private tokens: number;
  private updated: number;

  constructor(
    private readonly perSecond: number,
    private readonly capacity: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updated = now;
  }

  private refill(now: number): void {
    if (now > this.updated) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updated) / 1000) * this.perSecond);
      this.updated = now;
    }
  }

  available(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  /** Takes `amount` if the budget holds it; otherwise takes nothing. */
  take(amount: number, now: number): boolean {
    this.refill(now);
    if (this.tokens < amount) return false;
    this.tokens -= amount;
    return true;
  }

  /** Spends `amount` whatever the budget holds: a debt later calls wait out (GetRecords' large reads). */
  spend(amount: number, now: number): void {
    this.refill(now);
    this.tokens -= amount;
  }
}

class ShardWriteBudget {
  private readonly records: TokenBucket;
  private readonly bytes: TokenBucket;

  constructor(now: number) {
    this.records = new TokenBucket(WRITE_RECORDS_PER_SECOND, WRITE_RECORDS_PER_SECOND, now);
    this.bytes = new TokenBucket(WRITE_BYTES_PER_SECOND, WRITE_BYTES_PER_SECOND, now);
  }

  admit(size: number, now: number): boolean {
    if (this.records.available(now) < 1 || this.bytes.available(now) < size) return false;
    this.records.take(1, now);
    this.bytes.take(size, now);
    return true;
  }
}

class ShardReadBudget {
  private readonly calls: TokenBucket;
  private readonly bytes: TokenBucket;

  constructor(now: number) {
    this.calls = new TokenBucket(READ_CALLS_PER_SECOND, READ_CALLS_PER_SECOND, now);
    this.bytes = new TokenBucket(READ_BYTES_PER_SECOND, READ_BYTES_PER_SECOND, now);
  }

  /** A call is refused while the call budget is spent or a large read is still being paid off. */
  admit(now: number): boolean {
    if (this.bytes.available(now) < 0) return false;
    return this.calls.take(1, now);
  }

  spend(bytes: number, now: number): void {
    this.bytes.spend(bytes, now);
  }
}

/** Write and read budgets of every shard, keyed by the caller (region, stream and shard). */
export class ShardBudgets {
  private readonly writes = new Map<string, ShardWriteBudget>();
  private readonly reads = new Map<string, ShardReadBudget>();

  /** Whether a record of `size` bytes (data plus partition key) fits the shard's write budget now. */
  admitWrite(shard: string, size: number, now: number): boolean {
    let budget = this.writes.get(shard);
    if (!budget) {
      budget = new ShardWriteBudget(now);
      this.writes.set(shard, budget);
    }
    return budget.admit(size, now);
  }

  admitRead(shard: string, now: number): boolean {
    let budget = this.reads.get(shard);
    if (!budget) {
      budget = new ShardReadBudget(now);
      this.reads.set(shard, budget);
    }
    return budget.admit(now);
  }

  spendRead(shard: string, bytes: number, now: number): void {
    this.reads.get(shard)?.spend(bytes, now);
  }

  /** Drops every budget whose key starts with `prefix` (a deleted stream's shards). */
  forget(prefix: string): void {
    for (const map of [this.writes, this.reads] as Map<string, unknown>[]) {
      for (const key of map.keys()) if (key.startsWith(prefix)) map.delete(key);
    }
  }
}
