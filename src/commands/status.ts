// `kinesis-tui status`: the stack, its resources, the stream, the delivery stream and the bucket.
import { destinationText } from '../pipeline/discovery.js';
import { readJournal } from '../pipeline/journal.js';
import { pipelineStatus } from '../pipeline/status.js';
import { type CommonOptions, runCommand } from './common.js';
import { EXIT } from './exit-codes.js';
import { count } from './output.js';

export interface StatusCommandOptions extends CommonOptions {
  stream?: string;
  deliveryStream?: string;
}

export function runStatus(options: StatusCommandOptions): Promise<number> {
  return runCommand('status', options, async ({ target, out, stackName }) => {
    const status = await pipelineStatus(target.clients, stackName, {
      ...(options.stream ? { stream: options.stream } : {}),
      ...(options.deliveryStream ? { deliveryStream: options.deliveryStream } : {}),
    });
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
    const found = status.discovery;
    out.event(
      'status',
      {
        stackName,
        stack: { id: s.id, status: s.status, reason: s.reason ?? null, outputs: s.outputs },
        resources: status.resources,
        stream: status.stream ?? null,
        deliveryStream: ds ?? null,
        objects: status.objects ?? null,
        streams: found?.streams.map((x) => x.name) ?? [],
        deliveryStreams:
          found?.deliveryStreams.map((d) => ({
            name: d.name,
            status: d.status,
            source: d.sourceStreamName ?? null,
            destination: destinationText(d),
            transform: d.transform?.arn ?? null,
          })) ?? [],
        ambiguous: status.ambiguous ?? null,
        problems: status.checks?.problems ?? [],
        journal: { path: journal.path, acknowledged: journal.acknowledged.size, failed: journal.failed.size },
      },
      [
        `stack ${stackName}: ${s.status}${s.reason ? ` (${s.reason})` : ''}`,
        ...status.resources.map(
          (r) =>
            // An endpoint may list resources it did not make without a name or type (moto does).
            `  ${(r.logicalId || '(no logical id)').padEnd(22)} ${(r.type || '(no type)').padEnd(38)} ${r.status}${r.reason ? `: ${r.reason}` : ''}`,
        ),
        ...(found && found.deliveryStreams.length > 1
          ? found.deliveryStreams.map(
              (d) =>
                `  delivery stream ${d.name}: reads ${d.sourceStreamName ?? '?'}, writes ${destinationText(d)}`,
            )
          : []),
        ...(status.ambiguous ? [`several to choose from: ${status.ambiguous}`] : []),
        ...(status.checks?.problems.length
          ? [`not usable at ${target.description}:`, ...status.checks.problems.map((p) => `  - ${p}`)]
          : []),
        ...(status.stream
          ? [
              `stream ${status.stream.name}: ${status.stream.status}, ${status.stream.mode}, ${status.stream.openShards} open shard(s)${status.stream.error ? ` (${status.stream.error})` : ''}`,
            ]
          : []),
        ...(ds
          ? [
              `delivery stream ${ds.name}: ${'error' in ds ? ds.error : `${ds.status}, buffer ${ds.bufferIntervalSeconds ?? '?'} s / ${ds.bufferSizeMB ?? '?'} MB`}`,
              ...(found?.deliveryStreams.length === 1 && found.deliveryStreams[0] && !('error' in ds)
                ? [
                    `  reads ${found.deliveryStreams[0].sourceStreamName ?? '?'}, writes ${destinationText(found.deliveryStreams[0])}${found.deliveryStreams[0].transform ? `, transform ${found.deliveryStreams[0].transform.arn}` : ''}`,
                  ]
                : []),
            ]
          : []),
        ...(status.objects
          ? [
              `bucket ${status.objects.bucket}: ${count(status.objects.delivered)} delivered objects, ${count(status.objects.failed)} error objects${status.objects.error ? ` (${status.objects.error})` : ''}`,
            ]
          : []),
        `journal ${journal.path}: ${count(journal.acknowledged.size)} acknowledged events, ${count(journal.failed.size)} given up`,
      ],
    );
    return EXIT.ok;
  });
}
