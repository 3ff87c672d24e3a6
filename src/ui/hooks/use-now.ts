// The time, refreshed every `intervalMs` while `active`: for elapsed times, countdowns and spinners.
import { useEffect, useState } from 'react';

export function useNow(intervalMs = 1000, active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, active]);
  return now;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A spinner frame for a time. */
export function spinnerFrame(now: number): string {
  return FRAMES[Math.floor(now / 100) % FRAMES.length] ?? FRAMES[0] ?? '';
}
