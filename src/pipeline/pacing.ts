// Pacing and retry timing for the producer: pure, with the clock and randomness passed in, so tests can
// drive them exactly.

/** Events a second when none is asked for: `kinesis-tui stream` and the wizard's Stream step alike. */
export const DEFAULT_RATE = 100;

/**
 * A token bucket: `rate` tokens a second, holding at most `capacity` (a tenth of a second's worth by
 * default, so a stalled event loop does not turn into a burst). An infinite rate never limits.
 */
export class TokenBucket {
  private tokens = 0;
  private last: number;
  private capacity: number;

  constructor(
    private rate: number,
    private readonly now: () => number,
  ) {
    this.last = now();
    this.capacity = TokenBucket.capacityFor(rate);
  }

  private static capacityFor(rate: number): number {
    return Number.isFinite(rate) ? Math.max(1, rate / 10) : Number.POSITIVE_INFINITY;
  }

  get perSecond(): number {
    return this.rate;
  }

  setRate(rate: number): void {
    this.refill();
    this.rate = rate;
    this.capacity = TokenBucket.capacityFor(rate);
    this.tokens = Math.min(this.tokens, this.capacity);
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    if (Number.isFinite(this.rate)) this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.rate);
  }

  /**
   * Takes up to `max` whole tokens; returns how many it took, always a whole number: callers make that many
   * events, and a fraction would make one more event than they count (`stream --count` overshot by one).
   */
  take(max: number): number {
    if (!Number.isFinite(this.rate)) return Math.max(0, Math.floor(max));
    this.refill();
    const taken = Math.max(0, Math.floor(Math.min(max, this.tokens)));
    this.tokens -= taken;
    return taken;
  }

  /** Milliseconds until one whole token is there (0 if one is). */
  msUntilNext(): number {
    if (!Number.isFinite(this.rate)) return 0;
    this.refill();
    if (this.tokens >= 1 || this.rate <= 0) return this.rate <= 0 ? Number.POSITIVE_INFINITY : 0;
    return Math.ceil(((1 - this.tokens) / this.rate) * 1000);
  }

  /**
   * Takes `count` tokens if at least one is there, going into debt for the rest (a retried KPL aggregate
   * carries hundreds of events): new events wait until the debt is paid. Infinite rates never limit.
   */
  takeOwing(count: number): boolean {
    if (!Number.isFinite(this.rate)) return true;
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= count;
    return true;
  }

  /** Forgets the time that passed (after a pause, so resuming is not a burst). */
  reset(): void {
    this.last = this.now();
    this.tokens = 0;
  }
}

export interface BackoffPolicy {
  /** Delay before the first retry, ms. */
  baseMs: number;
  /** The most any retry waits, ms. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 100, maxMs: 5_000 };

/**
 * Exponential backoff with "equal jitter": the delay doubles each attempt up to the cap, and a random half
 * of it spreads retries apart so throttled producers do not retry in lockstep.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}

/** Acknowledgements in a sliding window: the rate the stream actually takes. */
export class RateMeter {
  private readonly buckets: number[];
  private readonly stamps: number[];

  constructor(
    private readonly now: () => number,
    private readonly windowMs = 2_000,
    private readonly slots = 20,
  ) {
    this.buckets = new Array(slots).fill(0);
    this.stamps = new Array(slots).fill(-1);
  }

  private slotOf(time: number): number {
    return Math.floor(time / (this.windowMs / this.slots));
  }

  add(count: number): void {
    const slot = this.slotOf(this.now());
    const i = slot % this.slots;
    if (this.stamps[i] !== slot) {
      this.stamps[i] = slot;
      this.buckets[i] = 0;
    }
    this.buckets[i] = (this.buckets[i] ?? 0) + count;
  }

  /** Per second, over the window (or the time since `since`, when that is shorter). */
  perSecond(since?: number): number {
    const now = this.now();
    const current = this.slotOf(now);
    let total = 0;
    for (let i = 0; i < this.slots; i++) {
      const stamp = this.stamps[i] ?? -1;
      if (stamp > current - this.slots && stamp <= current) total += this.buckets[i] ?? 0;
    }
    const span = Math.min(this.windowMs, since === undefined ? this.windowMs : Math.max(1, now - since));
    return (total * 1000) / span;
  }
}

/**
 * The rate the stream's shards take, learned from throttling. It starts as TCP does, with a slow start:
 * a modest rate doubling every quarter second while answers come back clean, so a producer told "as fast
 * as possible" does not throw thousands of events at a one-shard stream at once (they would all come back
 * throttled, to be retried). The first throttled answer ends the slow start; from then on it is
 * additive-increase, multiplicative-decrease on a rate: a throttled answer sets the limit a little under
 * what was accepted over the last second (while shards are saturated, that is what they take), and each
 * second without throttling raises it a tenth, probing for room (a reshard, a quieter neighbour). The
 * shards' own burst allowance absorbs the probe's overshoot, so throttling stays rare.
 */
export class ShardRateLimit {
  private limit: number;
  private slowStart = true;
  private lastCut = Number.NEGATIVE_INFINITY;
  private lastRaise: number;

  constructor(
    private readonly now: () => number,
    private readonly policy = {
      initial: 2_000,
      doublingMs: 250,
      backoff: 0.9,
      raisePerSecond: 0.1,
      settleMs: 250,
      floor: 500,
    },
  ) {
    this.limit = policy.initial;
    this.lastRaise = now();
  }

  /** Events a second to send at most now. */
  get perSecond(): number {
    return this.limit;
  }

  /** Events a second the shards take, once throttling has shown it; undefined before. */
  get learned(): number | undefined {
    return this.slowStart ? undefined : this.limit;
  }

  /**
   * A throttled answer. `accepted` and `offered`: events a second acknowledged and sent over the last
   * second. Answers of one overload arrive together, so the limit is cut at most once per `settleMs`.
   */
  throttled(accepted: number, offered: number): void {
    const now = this.now();
    this.lastRaise = now;
    if (now - this.lastCut < this.policy.settleMs) return;
    this.lastCut = now;
    const base = accepted > 0 ? accepted : Math.min(this.limit, offered) / 2;
    // Not below half of what the smallest stream (one shard, 1,000 records a second) takes: throttling
    // that goes on at any rate (another writer hogging the shard) must not spiral the rate down to nothing.
    const cut = Math.max(this.policy.floor, base * this.policy.backoff);
    this.limit = this.slowStart ? cut : Math.min(this.limit, cut);
    this.slowStart = false;
  }

  /** A clean answer: the limit rises with the time since the last raise, up to `ceiling`. */
  clean(ceiling: number): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.lastRaise);
    this.lastRaise = now;
    if (this.limit >= ceiling) return;
    const factor = this.slowStart
      ? 2 ** (elapsed / this.policy.doublingMs)
      : 1 + (this.policy.raisePerSecond * elapsed) / 1000;
    this.limit = Math.min(ceiling, this.limit * factor);
  }
}
