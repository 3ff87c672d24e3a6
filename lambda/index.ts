// The Firehose transform Lambda. Bundled into cfn/pipeline.yaml's inline ZipFile by `npm run build`.
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from './contract.js';
import { transformRecord } from './transform.js';

export const handler = async (event: FirehoseTransformationEvent): Promise<FirehoseTransformationResult> => {
  // Firehose fails the whole batch if any recordId is missing or repeated, so each input record gets
  // exactly one result, in order, whatever it holds; nothing in here may throw.
  const records: unknown[] = Array.isArray(event?.records) ? event.records : [];
  const results = records.map((record) => {
    const { recordId, data } = (record ?? {}) as { recordId?: unknown; data?: unknown };
    return transformRecord(String(recordId), data);
  });
  const failed = results.filter((r) => r.result === 'ProcessingFailed').length;
  if (failed > 0) console.log(`transform: ${results.length} records, ${failed} ProcessingFailed`);
  return { records: results };
};
