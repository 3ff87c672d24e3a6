// Raw kinesalite, without the local cloud's edge: the same child process the local cloud runs for a region,
// reached directly, so the edge's cost is the difference between the two.
import { fileURLToPath } from 'node:url';
import { startBackend } from '../../src/local-cloud/backend.js';
import type { KinesaliteChildOptions } from '../../src/local-cloud/kinesis/kinesalite-main.js';
import type { ScenarioContext } from '../scenario.js';
import { BENCH_REGION } from './cloud.js';

export interface RawKinesalite {
  endpoint: string;
  pid: number;
}

export async function startRawKinesalite(context: ScenarioContext): Promise<RawKinesalite> {
  const dir = context.tempDir('kinesalite');
  const options: KinesaliteChildOptions = {
    path: dir,
    metaPath: `${dir}/meta.json`,
    region: BENCH_REGION,
    shardLimit: 500,
    transitionMs: 500,
  };
  const script = fileURLToPath(new URL('../../src/local-cloud/kinesis/kinesalite-main.js', import.meta.url));
  const backend = await startBackend('kinesalite', script, [JSON.stringify(options)], () => undefined);
  context.defer(() => backend.stop());
  return { endpoint: backend.url, pid: backend.child.pid ?? 0 };
}
