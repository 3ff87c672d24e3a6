// What discovery found in a stack, as lines and as --json data: deploy and status show it.
import { destinationText, type PipelineDiscovery } from '../pipeline/discovery.js';

export function pipelineData(d: PipelineDiscovery) {
  return {
    streams: d.streams.map((s) => ({ name: s.name, status: s.status ?? null })),
    deliveryStreams: d.deliveryStreams.map((x) => ({
      name: x.name,
      status: x.status,
      source: x.sourceStreamName ?? null,
      bucket: x.bucket ?? null,
      destination: destinationText(x),
      transform: x.transform ? { arn: x.transform.arn, logGroup: x.transform.logGroup } : null,
      logGroup: x.logGroup?.name ?? null,
    })),
    buckets: d.buckets,
    functions: d.functions,
    notes: d.notes,
  };
}

/** One line per delivery stream: where records come from, what transforms them, where they land. */
export function pipelineLines(d: PipelineDiscovery): string[] {
  const lines = d.deliveryStreams.map((x) =>
    x.status === 'MISSING' || x.status === 'UNKNOWN'
      ? `pipeline: delivery stream ${x.name} ${x.status === 'MISSING' ? 'does not exist here' : 'cannot be described'} (${x.error ?? 'no answer'})`
      : `pipeline: stream ${x.sourceStreamName ?? '(none)'} -> delivery stream ${x.name}${x.transform ? ` (transform ${x.transform.name}${x.transform.qualifier ? `:${x.transform.qualifier}` : ''})` : ''} -> ${destinationText(x)}`,
  );
  const readers = new Set(d.deliveryStreams.map((x) => x.sourceStreamName));
  const unknown = d.deliveryStreams.some((x) => !x.sourceStreamName);
  for (const s of d.streams) {
    if (readers.has(s.name)) continue;
    lines.push(
      `pipeline: stream ${s.name} (${unknown ? 'no delivery stream known to read it' : 'no delivery stream reads it'})`,
    );
  }
  return lines;
}
