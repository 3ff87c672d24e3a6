// `kinesis-tui verify`: what reached the bucket, reconciled against the producer's journal.
import { TargetError } from '../config/errors.js';
import type { Cause } from '../pipeline/diagnosis/causes.js';
import { diagnosePipeline } from '../pipeline/diagnosis/evidence.js';
import { requireChoice, requirePipeline } from '../pipeline/discovery.js';
import { readJournal } from '../pipeline/journal.js';
import { categoryNames, matchingText } from '../pipeline/reconcile.js';
import {
  bufferSeconds,
  type DeliveryStreamInfo,
  deliveryInfo,
  deliveryTarget,
  Verifier,
  type VerifyReport,
  waitForDelivery,
} from '../pipeline/verify.js';
import { type CommonOptions, runCommand } from './common.js';
import { EXIT } from './exit-codes.js';
import { count, duration, type Output, plural } from './output.js';

export interface VerifyCommandOptions extends CommonOptions {
  wait?: boolean;
  timeoutMs?: number;
  /** The delivery stream to verify, when the stack has several. */
  deliveryStream?: string;
  /** The stream whose delivery stream to verify, when the stack has several. */
  stream?: string;
  /** The field the transform writes categories in (default `category`). */
  categoryField?: string;
}

function reportLines(report: VerifyReport): string[] {
  const r = report.reconciliation;
  const lines = [
    `s3://${report.bucket}: ${plural(report.deliveredObjects, 'object')} delivered (${plural(report.records.delivered, 'record')}), ` +
      `${plural(report.failedObjects, 'error object')} (${plural(report.records.failed, 'record')})`,
    `acknowledged ${count(r.acknowledged)}: delivered ${count(r.delivered)}, missing ${count(r.missing)}, ` +
      `processing-failed ${count(r.processingFailed)}${r.expectedFailures ? ` (${count(r.expectedFailures)} malformed on purpose)` : ''}, ` +
      `duplicates ${count(r.duplicates)}`,
    // How exact those figures are: by event_id, by content (which fields), or by counts only.
    ...(r.matching.by === 'event_id' || r.matching.by === 'none' ? [] : [matchingText(r.matching)]),
  ];
  if (r.lateAcknowledged || r.producerFailed || r.unknown) {
    lines.push(
      `also: ${count(r.lateAcknowledged)} delivered whose acknowledgement was lost, ${count(r.producerFailed)} the producer gave up on, ` +
        `${count(r.unknown)} delivered records not in the journal`,
    );
  }
  if (r.unknownFailed) {
    lines.push(
      `${plural(r.unknownFailed, 'record')} under ${report.errorPrefix} ${r.unknownFailed === 1 ? 'was' : 'were'} not sent by kinesis-tui (not in the journal): ` +
        'something else wrote to the stream; they do not count against this check',
    );
  }
  lines.push(
    `${r.categoryField === 'category' ? 'categories' : `by ${r.categoryField}`} (sent / delivered):`,
    ...categoryNames(r.categories).map(
      (c) =>
        `  ${c.padEnd(12)} ${count(r.categories.sent[c] ?? 0).padStart(8)} / ${count(r.categories.delivered[c] ?? 0)}`,
    ),
  );
  if (r.latency) {
    lines.push(
      `delivery latency (acknowledged -> object written, S3 times are to the second), ${count(r.latency.count)} events: ` +
        `p50 ${duration(r.latency.p50)}, p90 ${duration(r.latency.p90)}, p99 ${duration(r.latency.p99)}, max ${duration(r.latency.max)}`,
    );
  }
  if (r.latencyLeftOut) {
    lines.push(
      `${plural(r.latencyLeftOut, 'event')} delivered after the local cloud restarted ${r.latencyLeftOut === 1 ? 'is' : 'are'} left out of the latency (${r.latencyLeftOut === 1 ? 'its' : 'their'} wait includes the time it was stopped)`,
    );
  }
  for (const f of r.failures.slice(0, 10)) {
    lines.push(
      `  processing-failed ${f.eventId ?? '(no id)'}: ${f.errorCode}: ${f.errorMessage}; raw ${JSON.stringify(f.raw.slice(0, 160))}`,
    );
  }
  if (r.missingIds.length > 0) lines.push(`  missing, e.g.: ${r.missingIds.slice(0, 5).join(', ')}`);
  if (report.unreadable.length > 0) {
    lines.push(
      `  ${count(report.unreadable.length)} unreadable bits, e.g. in ${report.unreadable[0]?.key}: ${report.unreadable[0]?.text.slice(0, 80)}`,
    );
  }
  return lines;
}

function reportData(report: VerifyReport) {
  const r = report.reconciliation;
  return {
    bucket: report.bucket,
    journal: report.journalPath,
    deliveredObjects: report.deliveredObjects,
    failedObjects: report.failedObjects,
    records: report.records,
    acknowledged: r.acknowledged,
    delivered: r.delivered,
    missing: r.missing,
    missingIds: r.missingIds,
    duplicates: r.duplicates,
    processingFailed: r.processingFailed,
    expectedFailures: r.expectedFailures,
    failures: r.failures.map((f) => ({
      eventId: f.eventId,
      errorCode: f.errorCode,
      errorMessage: f.errorMessage,
      raw: f.raw,
      key: f.key,
    })),
    lateAcknowledged: r.lateAcknowledged,
    producerFailed: r.producerFailed,
    unknown: r.unknown,
    unknownFailed: r.unknownFailed,
    categories: r.categories,
    categoryField: r.categoryField,
    matching: { ...r.matching, text: matchingText(r.matching) },
    latencyMs: r.latency ?? null,
    latencyLeftOut: r.latencyLeftOut,
    unreadable: report.unreadable.length,
    complete: r.complete,
    ok: r.ok,
  };
}

function waitingLine(info: DeliveryStreamInfo | undefined, missing: number, acknowledged: number): string {
  const buffer = info
    ? `Firehose writes an object every ${info.bufferIntervalSeconds ?? '?'} s or ${info.bufferSizeMB ?? '?'} MB${info.processorIntervalSeconds !== undefined ? `, after the transform's ${info.processorIntervalSeconds} s buffer` : ''}`
    : 'Firehose buffers records before writing them';
  return `waiting for ${count(missing)} of ${count(acknowledged)} events to reach S3; ${buffer}`;
}

/** Causes that no wait will cure: verify --wait stops waiting once one shows. */
const BLOCKING = new Set<Cause['id']>([
  'handler-not-found',
  'function-error',
  'function-timeout',
  'return-shape',
  'invoke-denied',
  'write-denied',
  'function-gone',
  'bucket-gone',
  'delivery-stream-not-active',
]);

function explain(out: Output, report: VerifyReport, causes: Cause[]): void {
  const r = report.reconciliation;
  const what = [
    r.missing ? `${count(r.missing)} missing` : '',
    r.processingFailed > r.expectedFailures
      ? `${count(r.processingFailed - r.expectedFailures)} failed processing`
      : '',
    r.producerFailed ? `${count(r.producerFailed)} never taken by the stream` : '',
  ].filter(Boolean);
  out.event(
    'diagnosis',
    { causes },
    causes.length === 0
      ? [`${what.join(', ')}; no cause found in the logs, the delivery stream, the bucket or the metrics`]
      : [
          `${what.join(', ')}; the diagnosis:`,
          ...causes.flatMap((c, i) => [
            `  ${i + 1}. ${c.title}`,
            ...c.evidence.map((e) => `     seen: ${e}`),
            `     fix: ${c.fix}`,
          ]),
        ],
  );
}

export function runVerify(options: VerifyCommandOptions): Promise<number> {
  return runCommand('verify', options, async ({ target, out, stackName, interrupts }) => {
    const discovery = await requirePipeline(target.clients, stackName);
    const journalPath = target.journalPath(stackName);
    const journal = readJournal(journalPath);
    // Several delivery streams: the one reading the stream `stream` last sent to, unless told.
    const choice = requireChoice(discovery, {
      ...(options.stream ? { stream: options.stream } : {}),
      ...(options.deliveryStream ? { deliveryStream: options.deliveryStream } : {}),
      ...(journal.runs.at(-1)?.stream ? { preferStream: journal.runs.at(-1)?.stream } : {}),
      need: 'delivery stream',
    });
    const where = deliveryTarget(discovery, choice);
    if (!where) {
      throw new TargetError(
        `stack "${stackName}" is ${discovery.stack.status} and has no delivery stream writing to S3 and no bucket to read: ` +
          'deploy a template whose Firehose delivery stream writes to an S3 bucket',
      );
    }
    const ds = choice.deliveryStream;
    const missingDelivery = ds && (ds.status === 'MISSING' || ds.status === 'UNKNOWN');
    out.event(
      'reading',
      {
        bucket: where.bucket,
        deliveryStream: ds?.name ?? null,
        deliveryStreamStatus: ds?.status ?? null,
        stream: choice.stream?.name ?? null,
      },
      ds
        ? missingDelivery
          ? `the delivery stream ${ds.name} does not exist at this endpoint (${ds.error}): nothing can reach s3://${where.bucket}; reading it anyway`
          : `reading s3://${where.bucket}, where delivery stream ${ds.name} writes (${ds.sourceStreamName ? `from stream ${ds.sourceStreamName}` : 'no Kinesis source'})`
        : `no delivery stream found in stack ${stackName}: reading s3://${where.bucket}`,
    );
    // The local cloud stops with each command: what it delivers after a restart is not counted as latency.
    const verifier = new Verifier(target.clients, where, journalPath, {
      ...(options.categoryField ? { categoryField: options.categoryField } : {}),
      stopsWithRuns: target.kind === 'local',
    });
    const since = journal.runs[0]?.started ?? Date.now() - 3_600_000;
    const info: DeliveryStreamInfo | undefined = ds && !missingDelivery ? deliveryInfo(ds) : undefined;
    // A bucket that is gone cannot be listed: report what the journal says, with nothing delivered, and let
    // the diagnosis say why.
    const bucketGone = (error: unknown): VerifyReport => verifier.goneReport(error);
    const diagnose = (r: VerifyReport) =>
      diagnosePipeline(target.clients, { discovery, choice }, r, journal, since);
    let report: VerifyReport;
    let timedOut = false;
    let blocked: Cause[] | undefined;
    if (options.wait && missingDelivery) {
      out.info(
        `not waiting: the delivery stream ${ds?.name} does not exist at this endpoint, so nothing will arrive`,
      );
      report = await verifier.check(interrupts.stop).catch(bucketGone);
    } else if (options.wait) {
      const timeoutMs = options.timeoutMs ?? (2 * bufferSeconds(info) + 120) * 1000;
      let lastMissing = -1;
      // While waiting, look every few seconds for a cause no wait will cure, and stop waiting when one shows.
      const giveUp = new AbortController();
      let diagnosing = false;
      let lastDiagnosis = 0;
      const waiting = waitForDelivery(verifier, {
        timeoutMs,
        pollMs: target.kind === 'aws' ? 5000 : 1000,
        signal: AbortSignal.any([interrupts.stop, giveUp.signal]),
        onCheck: (r, missing) => {
          if (missing > 0 && !diagnosing && Date.now() - lastDiagnosis > 5000) {
            diagnosing = true;
            diagnose(r)
              .then(({ causes }) => {
                if (causes.some((c) => BLOCKING.has(c.id))) {
                  blocked = causes;
                  giveUp.abort();
                }
              })
              .catch(() => undefined)
              .finally(() => {
                diagnosing = false;
                lastDiagnosis = Date.now();
              });
          }
          if (missing === lastMissing || missing === 0) return;
          if (lastMissing === -1)
            out.info(
              `${waitingLine(info, missing, r.reconciliation.acknowledged)} (up to ${duration(timeoutMs)})`,
            );
          lastMissing = missing;
          out.event(
            'waiting',
            {
              missing,
              acknowledged: r.reconciliation.acknowledged,
              delivered: r.reconciliation.delivered,
              bufferSeconds: bufferSeconds(info),
            },
            `  ${count(r.reconciliation.delivered + r.reconciliation.processingFailed)} of ${count(r.reconciliation.acknowledged)} accounted for`,
          );
        },
      });
      // Giving up (a cause found) may cut a check short: then check once more, to report in full.
      const waited = await waiting.catch((error: unknown) => {
        if (giveUp.signal.aborted && !interrupts.stop.aborted) return undefined;
        if ((error as Error).name === 'NoSuchBucket') return { report: bucketGone(error), timedOut: false };
        throw error;
      });
      report = waited?.report ?? (await verifier.check(interrupts.stop).catch(bucketGone));
      timedOut = waited?.timedOut ?? false;
    } else {
      report = await verifier.check(interrupts.stop).catch(bucketGone);
    }
    out.event('report', reportData(report), reportLines(report));
    const r = report.reconciliation;
    if (r.acknowledged === 0) {
      // Not a mismatch: there is nothing to compare yet. Its own outcome and exit code say so.
      out.event(
        'nothing-sent',
        { journal: journalPath },
        `nothing sent yet: the journal ${journalPath} holds no acknowledged events; run \`kinesis-tui stream\` first`,
      );
      out.conclude({ outcome: 'nothing-sent' });
      return EXIT.nothingSent;
    }
    const failed = r.processingFailed > r.expectedFailures || r.producerFailed > 0;
    if (!r.complete || failed) {
      // Once more on the final report, so what the causes show is what the report shows.
      const causes = (await diagnose(report).catch(() => undefined))?.causes ?? blocked ?? [];
      explain(out, report, causes);
      if (!options.wait && !r.complete && !causes.some((c) => BLOCKING.has(c.id)))
        out.info('records may still be buffering: `kinesis-tui verify --wait` waits for them');
    }
    if (interrupts.stop.aborted) return EXIT.interrupted;
    if (r.ok) {
      out.info(`OK: all ${count(r.acknowledged)} acknowledged events are accounted for`);
      out.conclude({ outcome: 'ok' });
      return EXIT.ok;
    }
    const problems = [
      r.missing ? `${count(r.missing)} missing${timedOut ? ' after waiting' : ''}` : '',
      r.processingFailed > r.expectedFailures
        ? `${count(r.processingFailed - r.expectedFailures)} failed processing`
        : '',
    ].filter(Boolean);
    out.error(`mismatch: ${problems.join(', ')}`, EXIT.mismatch);
    out.conclude({ outcome: 'mismatch' });
    return EXIT.mismatch;
  });
}
