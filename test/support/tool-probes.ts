// Vitest's global setup: a folder where the run keeps what `missingTool` found, so each outside tool is
// probed once a run instead of once a test file (the aws CLI and boto3 take seconds of CPU to answer).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where missingTool() keeps its answers for this run. */
    toolProbes: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'kinesis-tui-probes-'));
  project.provide('toolProbes', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
