import type { Reporter, TestCase } from 'vitest/node';

/** Lists every skipped test by its full title (which carries the reason) after the run, so none is silent. */
export default class SkippedReporter implements Reporter {
  private readonly skipped: string[] = [];

  onTestCaseResult(testCase: TestCase): void {
    const result = testCase.result();
    if (result.state !== 'skipped') return;
    const note = result.note ? ` [skipped: ${result.note}]` : '';
    this.skipped.push(`${testCase.module.relativeModuleId} > ${testCase.fullName}${note}`);
  }

  onTestRunEnd(): void {
    if (this.skipped.length === 0) return;
    process.stdout.write(`\nSkipped tests (${this.skipped.length}):\n`);
    for (const line of this.skipped) process.stdout.write(`  - ${line}\n`);
  }
}
