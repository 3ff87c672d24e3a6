import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VerifyReport } from '../../../src/pipeline/verify.js';
import type { Verification } from '../../../src/ui/engine.js';
import { VerifyController } from '../../../src/ui/state/verify.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A verification whose checks take `checkMs` of (fake) time, recording when each started. */
function slowVerification(checkMs: number) {
  const started: number[] = [];
  const report = { reconciliation: { acknowledged: 0, complete: true, missing: 0 } } as VerifyReport;
  const verification: Verification = {
    pollMs: 100,
    async check() {
      started.push(Date.now());
      await new Promise((resolve) => setTimeout(resolve, checkMs));
      return report;
    },
    readRecords: async () => [],
    delivery: async () => undefined,
    diagnose: async () => [],
  };
  return { verification, started };
}

describe('Verify auto-refresh', () => {
  it('waits at least twice as long as the last check took, so a slow check never keeps it busy', async () => {
    vi.useFakeTimers();
    const { verification, started } = slowVerification(500);
    const controller = new VerifyController(verification);
    controller.resume();
    await vi.advanceTimersByTimeAsync(500);
    expect(started).toHaveLength(1);
    // The poll interval is 100 ms, but the check took 500: the next one starts 1,000 ms after it ended.
    await vi.advanceTimersByTimeAsync(900);
    expect(started).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(started).toHaveLength(2);
    controller.stop();
  });

  it('checks every poll interval while the screen is open, and not at all once it closes', async () => {
    vi.useFakeTimers();
    const { verification, started } = slowVerification(1);
    const controller = new VerifyController(verification);
    controller.resume();
    await vi.advanceTimersByTimeAsync(350);
    expect(started.length).toBeGreaterThanOrEqual(3);
    controller.pause();
    const seen = started.length;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(started).toHaveLength(seen);
    controller.stop();
  });
});
