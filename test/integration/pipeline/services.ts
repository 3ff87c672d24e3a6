// Which local-cloud services the whole pipeline needs and which of them this build lacks, so tests that
// need all of them say why they skip while a service is still being built.
import { createServices } from '../../../src/local-cloud/services.js';

const NEEDED = ['cloudformation', 'kinesis', 's3', 'lambda', 'logs', 'iam', 'firehose', 'sts'];

export function missingServices(): string | undefined {
  const present = new Set(createServices().map((s) => s.name));
  const missing = NEEDED.filter((name) => !present.has(name));
  return missing.length ? `the local cloud has no ${missing.join(', ')} service yet` : undefined;
}
