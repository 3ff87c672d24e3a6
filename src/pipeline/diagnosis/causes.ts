// Why events did not arrive (or failed), in plain words, from the evidence (pure): each cause says what is
// wrong, shows what it was seen in (log lines, error codes, metrics, counts) and what to do about it.
// Most specific first: a handler that cannot load explains the Lambda.FunctionError Firehose logs for it.
import { type FirehoseFailure, type LambdaFailure, missingModule } from './failures.js';

export type CauseId =
  | 'handler-not-found'
  | 'function-error'
  | 'function-timeout'
  | 'return-shape'
  | 'invoke-denied'
  | 'write-denied'
  | 'function-gone'
  | 'bucket-gone'
  | 'stream-throttling'
  | 'buffering'
  | 'delivery-stream-not-active'
  | 'delivery-stream-missing';

export interface Cause {
  id: CauseId;
  /** What is wrong, in a sentence. */
  title: string;
  /** What shows it: log lines, error codes with counts, figures. */
  evidence: string[];
  /** What to do. */
  fix: string;
}

export interface Evidence {
  /** Failures the transform's log shows (newest last), with the raw line's first line. */
  lambda: Array<LambdaFailure & { line: string }>;
  /** Errors Firehose logged (its error log group) and error codes of processing-failed records. */
  firehose: Array<FirehoseFailure & { from: 'log' | 'record'; count?: number }>;
  /** Where Firehose files records the transform failed (`errors/processing-failed/` for our template). */
  failedPrefix?: string;
  /** No delivery stream can carry the events: none reads the stream, or it is not there (`why`). */
  unreachable?: { name?: string; why: string };
  /** The transform as configured. */
  transform?: { name: string; arn?: string; handler?: string; runtime?: string };
  deliveryStream?: {
    name: string;
    status: string;
    failure?: string;
    roleArn?: string;
    bucket?: string;
    /** Seconds Firehose may hold a record: both buffer intervals. */
    bufferSeconds?: number;
  };
  /** False when the bucket does not exist. */
  bucketExists?: boolean;
  /** From the journal and the report. */
  delivery: {
    acknowledged: number;
    missing: number;
    /** When the oldest missing event was acknowledged, epoch ms. */
    oldestMissingAt?: number;
    /** Processing-failed records not sent malformed on purpose. */
    unexpectedFailed: number;
    /** Events the producer gave up, and why (reason -> count). */
    givenUp: Map<string, number>;
  };
  /** From CloudWatch, over the verify window (undefined where the target has no metrics). */
  metrics?: {
    writeThrottled?: number;
    firehoseRead?: number;
    firehoseDelivered?: number;
    freshnessSeconds?: number;
  };
  now: number;
}

interface CodeCount {
  logged: number;
  records: number;
}

function codes(failures: Evidence['firehose'], pattern: RegExp): Map<string, CodeCount> {
  const found = new Map<string, CodeCount>();
  for (const f of failures) {
    if (!pattern.test(f.errorCode)) continue;
    const count = found.get(f.errorCode) ?? { logged: 0, records: 0 };
    if (f.from === 'log') count.logged += f.count ?? 1;
    else count.records += f.count ?? 1;
    found.set(f.errorCode, count);
  }
  return found;
}

const times = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

const DEFAULT_FAILED_PREFIX = 'errors/processing-failed/';

function codeLinesUnder(found: Map<string, CodeCount>, failedPrefix: string): string[] {
  return [...found].map(([code, n]) => {
    const where = [
      n.logged ? `${times(n.logged, 'error')} in its log` : '',
      n.records ? `${times(n.records, 'record')} under ${failedPrefix}` : '',
    ].filter(Boolean);
    return `Firehose: ${code} (${where.join(', ')})`;
  });
}

const FILE_OF: Record<string, string> = { python: 'py', nodejs: 'js' };

/** `index.handler` -> what Lambda looks for, and what inline code is saved as. */
function handlerFix(
  transform: Evidence['transform'],
  module: string | undefined,
  failedPrefix: string,
): string {
  const handler = transform?.handler;
  const runtime = transform?.runtime ?? '';
  const ext = Object.entries(FILE_OF).find(([prefix]) => runtime.startsWith(prefix))?.[1];
  const fn = handler?.slice(handler.lastIndexOf('.') + 1);
  const file = module ?? handler?.slice(0, handler.lastIndexOf('.'));
  const looksFor = handler
    ? `its Handler is "${handler}", so Lambda looks for a file ${file}${ext ? `.${ext}` : ''} with a function ${fn}`
    : '';
  return (
    `${looksFor ? `${looksFor}; ` : ''}code written inline in a template (ZipFile) is saved as index${ext ? `.${ext}` : ''}, ` +
    `so set Handler to "index.${fn ?? 'handler'}" (or name the file and function to match), then deploy again. ` +
    `Firehose files the records of every failed batch under ${failedPrefix}: send them again once it works.`
  );
}

function exceptionFix(failure: LambdaFailure, failedPrefix: string): string {
  if (/^KeyError$/.test(failure.type) && /'Records'/.test(failure.message)) {
    return "Firehose sends its records under event['records'] (lower case; event['Records'] is what S3, SQS and Kinesis triggers send): read event['records'], then deploy again.";
  }
  if (/reading 'map'|reading 'forEach'|reading 'length'|is not iterable/.test(failure.message)) {
    return 'the code reads a field the event does not have: Firehose sends { invocationId, deliveryStreamArn, region, records: [{ recordId, data, ... }] } (records in lower case). Fix it, then deploy again.';
  }
  return `fix the code at the line above (the function's log has the whole stack), then deploy again; Firehose retries each batch, then files its records under ${failedPrefix}.`;
}

export function findCauses(e: Evidence): Cause[] {
  const causes: Cause[] = [];
  const fh = e.firehose;
  const failed = e.failedPrefix || DEFAULT_FAILED_PREFIX;
  const codeLines = (found: Map<string, CodeCount>) => codeLinesUnder(found, failed);
  const functionErrors = codes(fh, /^Lambda\.FunctionError$/);

  const init = e.lambda.filter((f) => f.init);
  if (init.length > 0) {
    const last = init[init.length - 1] as LambdaFailure & { line: string };
    causes.push({
      id: 'handler-not-found',
      title: `The transform cannot start: Lambda cannot find its handler (${last.type})`,
      evidence: [
        `${e.transform?.name ?? 'transform'} log: ${last.type}: ${last.message}`,
        ...codeLines(functionErrors),
      ],
      fix: handlerFix(e.transform, missingModule(last), failed),
    });
  }

  const thrown = e.lambda.filter((f) => !f.init && f.type !== 'Sandbox.Timedout');
  if (thrown.length > 0 && init.length === 0) {
    const last = thrown[thrown.length - 1] as LambdaFailure & { line: string };
    causes.push({
      id: 'function-error',
      title: `The transform fails on its batches: ${last.type}: ${last.message}`,
      evidence: [
        `${e.transform?.name ?? 'transform'} log: ${last.type}: ${last.message} (${thrown.length} time${thrown.length === 1 ? '' : 's'})`,
        ...(last.where ? [`at ${last.where}`] : []),
        ...codeLines(functionErrors),
      ],
      fix: exceptionFix(last, failed),
    });
  } else if (functionErrors.size > 0 && init.length === 0) {
    causes.push({
      id: 'function-error',
      title: 'The transform returns an error for its batches (Firehose: Lambda.FunctionError)',
      evidence: codeLines(functionErrors),
      fix: "read the transform's log (`kinesis-tui logs`) for the exception, fix the code, then deploy again.",
    });
  }

  const timeouts = e.lambda.filter((f) => f.type === 'Sandbox.Timedout');
  const timeoutCodes = codes(fh, /^Lambda\.FunctionTimedOut$/);
  if (timeouts.length > 0 || timeoutCodes.size > 0) {
    causes.push({
      id: 'function-timeout',
      title: 'The transform runs out of time on its batches',
      evidence: [
        ...timeouts.slice(-1).map((t) => `${e.transform?.name ?? 'transform'} log: ${t.message}`),
        ...codeLines(timeoutCodes),
      ],
      fix: "raise the function's Timeout (Firehose allows up to 5 minutes), make it faster, or lower the processor's BufferSizeInMBs so each batch is smaller.",
    });
  }

  const shape = codes(fh, /^Lambda\.(JsonProcessingException|MissingRecordId|DuplicatedRecordId)$/);
  if (shape.size > 0) {
    const which = [...shape.keys()];
    const detail = which.includes('Lambda.MissingRecordId')
      ? 'every recordId it was given must come back'
      : which.includes('Lambda.DuplicatedRecordId')
        ? 'each recordId must come back once'
        : 'each record needs recordId, result ("Ok", "Dropped" or "ProcessingFailed") and, for Ok, base64 data';
    causes.push({
      id: 'return-shape',
      title: 'The transform returns its records in the wrong shape',
      evidence: codeLines(shape),
      fix:
        `return { "records": [{ "recordId": <as received>, "result": "Ok", "data": <base64> }, ...] }: ${detail}. ` +
        `Fix the function, deploy again; the failed batches are under ${failed}.`,
    });
  }

  const role = e.deliveryStream?.roleArn ? `the role ${e.deliveryStream.roleArn}` : "Firehose's role";
  const invokeDenied = codes(fh, /^Lambda\.(InvokeAccessDenied|AssumeRoleAccessDenied)$/);
  if (invokeDenied.size > 0) {
    causes.push({
      id: 'invoke-denied',
      title: "Firehose's role may not invoke the transform",
      evidence: codeLines(invokeDenied),
      fix: `give ${role} lambda:InvokeFunction (and lambda:GetFunctionConfiguration) on ${e.transform?.arn ?? 'the function'}, then deploy again.`,
    });
  }
  const writeDenied = codes(fh, /^S3\.AccessDenied$/);
  if (writeDenied.size > 0) {
    causes.push({
      id: 'write-denied',
      title: "Firehose's role may not write to the bucket",
      evidence: codeLines(writeDenied),
      fix: `give ${role} s3:PutObject on arn:aws:s3:::${e.deliveryStream?.bucket ?? '<bucket>'}/* (and check the bucket policy denies it nothing), then deploy again; Firehose keeps retrying meanwhile.`,
    });
  }

  const gone = codes(fh, /^Lambda\.ResourceNotFound$/);
  if (gone.size > 0) {
    causes.push({
      id: 'function-gone',
      title: 'The transform function does not exist',
      evidence: codeLines(gone),
      fix: `deploy again (\`kinesis-tui deploy\`) to recreate it; the records Firehose gave up on are under ${failed}.`,
    });
  }

  const noBucket = codes(fh, /^S3\.NoSuchBucket$/);
  if (noBucket.size > 0 || e.bucketExists === false) {
    causes.push({
      id: 'bucket-gone',
      title: `The bucket ${e.deliveryStream?.bucket ?? ''} is gone`.replace(/\s+is/, ' is'),
      evidence: [
        ...codeLines(noBucket),
        ...(e.bucketExists === false ? ['S3: HeadBucket says it does not exist'] : []),
      ],
      fix: 'deploy again (`kinesis-tui deploy`) to recreate it: Firehose keeps retrying, and writes what it holds once the bucket is back.',
    });
  }

  const throttledReasons = [...e.delivery.givenUp].filter(([reason]) =>
    /ProvisionedThroughputExceeded|Throttl|Rate exceeded/i.test(reason),
  );
  const givenUp = throttledReasons.reduce((n, [, c]) => n + c, 0);
  if (givenUp > 0) {
    causes.push({
      id: 'stream-throttling',
      title: `The stream throttled writes: ${givenUp} event${givenUp === 1 ? ' was' : 's were'} never taken`,
      evidence: [
        `journal: ${givenUp} given up after their time budget (${throttledReasons[0]?.[0].slice(0, 120)})`,
        ...(e.metrics?.writeThrottled
          ? [`CloudWatch: WriteProvisionedThroughputExceeded ${e.metrics.writeThrottled}`]
          : []),
      ],
      fix: 'each shard takes 1,000 records (1 MiB) a second: deploy with more shards (--param ShardCount=N), send slower (--rate), pack events (--aggregate), or give events longer (--record-ttl).',
    });
  }

  if (e.unreachable && e.delivery.acknowledged > 0) {
    const { name, why } = e.unreachable;
    causes.push({
      id: 'delivery-stream-missing',
      title: name
        ? `The delivery stream ${name} is not there: nothing sent can reach the bucket`
        : 'No delivery stream reads the stream: nothing sent can reach the bucket',
      evidence: [name ? `Firehose: ${why}` : `the stack: ${why}`],
      fix: name
        ? 'this endpoint reports the stack made but has no such delivery stream (it may not implement Firehose): run the pipeline on the local cloud or on AWS, or make the delivery stream there.'
        : 'deploy a template whose Firehose delivery stream reads the Kinesis stream and writes to S3.',
    });
  }

  const ds = e.deliveryStream;
  if (ds && ds.status !== 'ACTIVE') {
    causes.push({
      id: 'delivery-stream-not-active',
      title: `The delivery stream ${ds.name} is ${ds.status}`,
      evidence: [`Firehose: DeliveryStreamStatus ${ds.status}${ds.failure ? ` (${ds.failure})` : ''}`],
      fix: ds.status === 'CREATING' ? 'wait for it to be ACTIVE.' : 'deploy again (`kinesis-tui deploy`).',
    });
  }

  const failures = causes.some((c) => c.id !== 'stream-throttling');
  if (!failures && e.delivery.missing > 0 && e.delivery.oldestMissingAt !== undefined) {
    const waited = Math.max(0, (e.now - e.delivery.oldestMissingAt) / 1000);
    const buffer = ds?.bufferSeconds;
    if (buffer === undefined || waited <= buffer + 30) {
      causes.push({
        id: 'buffering',
        title: 'Firehose is still buffering: nothing is wrong yet',
        evidence: [
          `the oldest missing event was taken ${Math.round(waited)} s ago${buffer !== undefined ? `; Firehose may hold records up to ${buffer} s (its buffer and the transform's)` : ''}`,
          ...(e.metrics?.firehoseRead !== undefined
            ? [
                `CloudWatch: Firehose read ${e.metrics.firehoseRead} records, delivered ${e.metrics.firehoseDelivered ?? 0}`,
              ]
            : []),
          ...(e.metrics?.freshnessSeconds !== undefined
            ? [`CloudWatch: DeliveryToS3.DataFreshness ${Math.round(e.metrics.freshnessSeconds)} s`]
            : []),
        ],
        fix: `wait${buffer !== undefined ? ` about ${Math.max(1, Math.ceil(buffer + 10 - waited))} s more` : ''} (\`kinesis-tui verify --wait\` waits), or deploy with --param BufferIntervalSeconds=0 --param ProcessorBufferIntervalSeconds=0 to see objects within seconds.`,
      });
    }
  }
  return causes;
}

/** The processing-failed records' error codes, as Firehose failures (they carry the same codes). */
export function failedRecordCodes(failureCodes: Readonly<Record<string, number>>): Evidence['firehose'] {
  return Object.entries(failureCodes)
    .filter(([code]) => code !== 'Lambda.ProcessingFailedStatus')
    .map(([errorCode, count]) => ({ errorCode, message: '', from: 'record' as const, count }));
}
