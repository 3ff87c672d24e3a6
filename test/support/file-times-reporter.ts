import { loadavg } from 'node:os';
import type { Reporter, TestModule, Vitest } from 'vitest/node';

interface FileTime {
  file: string;
  /** Import of the file and its modules, then its tests and hooks. */
  importMs: number;
  testsMs: number;
  state: string;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

/**
 * Prints every test file's time after the run, slowest first, with the sum, the run's wall time and the
 * load average at its start and end: a file that got slower shows in CI's output, and a timing is only
 * compared with one taken under a similar load (the machine is shared).
 */
export default class FileTimesReporter implements Reporter {
  private readonly files: FileTime[] = [];
  private startedAt = 0;
  private loadAtStart = '';
  private workers = '';

  onInit(vitest: Vitest): void {
    this.workers = String(vitest.config.maxWorkers ?? "Vitest's default");
  }

  onTestRunStart(): void {
    this.startedAt = Date.now();
    this.loadAtStart = load();
  }

  onTestModuleEnd(testModule: TestModule): void {
    const d = testModule.diagnostic();
    this.files.push({
      file: testModule.relativeModuleId,
      importMs: d.environmentSetupDuration + d.prepareDuration + d.setupDuration + d.collectDuration,
      testsMs: d.duration,
      state: testModule.state(),
    });
  }

  onTestRunEnd(): void {
    if (this.files.length === 0) return;
    const total = (f: FileTime) => f.importMs + f.testsMs;
    const sorted = [...this.files].sort((a, b) => total(b) - total(a));
    const sum = sorted.reduce((s, f) => s + total(f), 0);
    const wall = Date.now() - this.startedAt;
    const out = [`\nTime per test file, slowest first (import + tests):`];
    for (const f of sorted) {
      const mark = f.state === 'failed' ? '  FAILED' : '';
      out.push(
        `  ${seconds(total(f)).padStart(8)}  ${f.file} (${seconds(f.importMs)} + ${seconds(f.testsMs)})${mark}`,
      );
    }
    out.push(
      `  ${seconds(sum).padStart(8)}  total of ${sorted.length} files; ${seconds(wall)} wall, files at once: ${this.workers}`,
      `  load average (1, 5, 15 min): ${this.loadAtStart} at the start, ${load()} at the end`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
  }
}
