// `kinesis-tui status`: the stack, its resources, the stream, the delivery stream and the bucket.
import { readJournal } from '../pipeline/journal.js';
import { pipelineStatus } from '../pipeline/status.js';
import { type CommonOptions, runCommand } from './common.js';
import { EXIT } from './exit-codes.js';
import { count } from './output.js';

export function runStatus(options: CommonOptions): Promise<number> {
  return runCommand('status', options, async ({ target, out, stackName }) => {
    const status = await pipelineStatus(target.clients, stackName);
    if (!status.stack) {
      out.event(
        'status',
        { stackName, stack: null },
        `no stack "${stackName}" here: \`kinesis-tui deploy\` creates it`,
      );
      return EXIT.ok;
    }
    const journal = readJournal(target.journalPath(stackName));
    const s = status.stack;
    const ds = status.deliveryStream;
    out.event(
      'status',
      {
        stackName,
        stack: { id: s.id, status: s.status, reason: s.reason ?? null, outputs: s.outputs },
        resources: status.resources,
        stream: status.stream ?? null,
        deliveryStream: ds ?? null,
        objects: status.objects ?? null,
        journal: { path: journal.path, acknowledged: journal.acknowledged.size, failed: journal.failed.size },
      },
      [
        `stack ${stackName}: ${s.status}${s.reason ? ` (${s.reason})` : ''}`,
        ...status.resources.map(
          (r) =>
            `  ${r.logicalId.padEnd(22)} ${r.type.padEnd(38)} ${r.status}${r.reason ? `: ${r.reason}` : ''}`,
        ),
        ...(status.stream
          ? [
              `stream ${status.stream.name}: ${status.stream.status}, ${status.stream.mode}, ${status.stream.openShards} open shard(s)${status.stream.error ? ` (${status.stream.error})` : ''}`,
            ]
          : []),
        ...(ds
          ? [
              `delivery stream ${ds.name}: ${'error' in ds ? ds.error : `${ds.status}, buffer ${ds.bufferIntervalSeconds ?? '?'} s / ${ds.bufferSizeMB ?? '?'} MB`}`,
            ]
          : []),
        ...(status.objects
          ? [
              `bucket ${s.outputs.BucketName}: ${count(status.objects.delivered)} delivered objects, ${count(status.objects.failed)} error objects${status.objects.error ? ` (${status.objects.error})` : ''}`,
            ]
          : []),
        `journal ${journal.path}: ${count(journal.acknowledged.size)} acknowledged events, ${count(journal.failed.size)} given up`,
      ],
    );
    return EXIT.ok;
  });
}
