// Pacing and retry timing for the producer: pure, with the clock and randomness passed in, so tests can
// drive them exactly.

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

  /** Takes up to `max` whole tokens; returns how many it took. */
  take(max: number): number {
    if (!Number.isFinite(this.rate)) return Math.max(0, max);
    this.refill();
    const taken = Math.max(0, Math.min(max, Math.floor(this.tokens)));
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
