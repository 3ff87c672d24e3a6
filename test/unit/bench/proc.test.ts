import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { childPids, cpuSeconds, parseStat } from '../../../bench/support/proc.js';

const procMissing = existsSync('/proc/self/stat') ? false : 'no /proc here (not Linux): nothing to read';

describe('bench /proc readings', () => {
  it('reads the parent and user + system ticks, whatever the command name holds', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    const line = '4242 (node ) (x) y) S 17 4242 4242 0 -1 4194560 9 0 0 0 250 31 0 0 20 0 11 0';
    expect(parseStat(line)).toEqual({ ppid: 17, cpuTicks: 281 });
  });

  it.skipIf(procMissing)('finds a child by its command line and reads CPU time', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', 'proc-test-marker']);
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      expect(childPids(process.pid, 'proc-test-marker')).toEqual([child.pid]);
      expect(childPids(process.pid, 'no-such-command-line')).toEqual([]);
      expect(cpuSeconds(process.pid)).toBeGreaterThan(0);
      expect(cpuSeconds(2 ** 30)).toBeUndefined();
    } finally {
      child.kill();
    }
  });
});
