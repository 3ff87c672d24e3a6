// Vitest's global setup: one local cloud per worker for the whole run. A test file that only needs an
// empty local cloud (`useLocalCloud()` with no options but the Firehose poll interval) resets the cloud of
// the worker it runs in (`POST /_local-cloud/reset`) and uses it, instead of starting and stopping one of
// its own: a start costs about 2 s of CPU, a reset a fraction of that. Files running at the same time are
// in different workers, so they never share a cloud; files run one after another in a worker, each
// starting from an empty one.
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import './hermetic-env.js'; // the clouds inherit this process's environment: the same one every test gets
import { type LocalCloudHandle, startLocalCloud } from '../../src/local-cloud/index.js';
import { SHARED_CLOUD_OPTIONS, type SharedCloud, tempDir } from './local-cloud.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** By worker: the cloud of the worker with VITEST_POOL_ID n is at index n - 1. */
    sharedClouds: SharedCloud[];
  }
}

/** The integration test files this run includes (the command line's filters applied, when Vitest says). */
async function integrationFiles(project: TestProject): Promise<number> {
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  const specs = await project.vitest.globTestSpecifications(filters);
  return specs.filter((spec) => spec.moduleId.includes('/test/integration/')).length;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const workers = Number(project.config.maxWorkers) || 1;
  const count = Math.min(workers, await integrationFiles(project));
  const started: Array<{ handle: LocalCloudHandle; dataDir: string }> = [];
  const stop = async () => {
    await Promise.all(started.map(({ handle }) => handle.stop()));
    for (const { dataDir } of started) rmSync(dataDir, { recursive: true, force: true });
  };
  const dataDirs = Array.from({ length: count }, () => tempDir('shared-cloud-'));
  try {
    await Promise.all(
      dataDirs.map(async (dataDir) => {
        started.push({ handle: await startLocalCloud({ ...SHARED_CLOUD_OPTIONS, dataDir }), dataDir });
      }),
    );
  } catch (error) {
    await stop();
    for (const dataDir of dataDirs) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  project.provide(
    'sharedClouds',
    started.map(({ handle, dataDir }) => ({
      endpoint: handle.endpoint,
      pid: handle.pid,
      logPath: handle.logPath,
      dataDir,
    })),
  );
  return stop;
}
