import { describe, expect, it } from 'vitest';
import { type Evidence, findCauses } from '../../../src/pipeline/diagnosis/causes.js';
import { firehoseFailure, lambdaFailure, missingModule } from '../../../src/pipeline/diagnosis/failures.js';
import { isErrorLine } from '../../../src/pipeline/logs.js';

// Lines as AWS's runtimes write them (Node.js 20+, Python 3.12+) and as Firehose logs its errors.
const NODE_INVOKE_ERROR =
  '2026-03-07T09:05:03.042Z\t6f1b2c3d-1111-2222-3333-444455556666\tERROR\tInvoke Error \t{"errorType":"TypeError","errorMessage":"Cannot read properties of undefined (reading \'map\')","stack":["TypeError: Cannot read properties of undefined (reading \'map\')","    at Runtime.handler (file:///var/task/index.mjs:3:31)","    at Runtime.handleOnceNonStreaming (file:///var/runtime/index.mjs:1206:29)"]}';
const NODE_IMPORT_ERROR =
  '2026-03-07T09:05:03.042Z\tundefined\tERROR\tUncaught Exception \t{"errorType":"Runtime.ImportModuleError","errorMessage":"Error: Cannot find module \'app\'\\nRequire stack:\\n- /var/runtime/index.mjs","stack":["Runtime.ImportModuleError: Error: Cannot find module \'app\'"]}';
const PYTHON_IMPORT_ERROR =
  "[ERROR] Runtime.ImportModuleError: Unable to import module 'lambda_function': No module named 'lambda_function'\nTraceback (most recent call last):";
const PYTHON_KEY_ERROR = `[ERROR] KeyError: 'Records'
Traceback (most recent call last):
  File "/var/task/lambda_function.py", line 12, in lambda_handler
    for record in event['Records']:`;
const TIMEOUT =
  '2026-03-07T09:05:03.042Z 6f1b2c3d-1111-2222-3333-444455556666 Task timed out after 3.00 seconds';
const FIREHOSE =
  '{"deliveryStreamARN":"arn:aws:firehose:us-east-1:111122223333:deliverystream/d","destination":"arn:aws:s3:::b","deliveryStreamVersionId":1,"message":"Access was denied. Ensure that the access policy allows access to the Lambda function.","errorCode":"Lambda.InvokeAccessDenied","processor":"arn:aws:lambda:us-east-1:111122223333:function:t:$LATEST"}';

function evidence(over: Partial<Evidence> = {}): Evidence {
  return {
    lambda: [],
    firehose: [],
    transform: {
      name: 't',
      arn: 'arn:aws:lambda:us-east-1:111122223333:function:t',
      handler: 'app.handler',
      runtime: 'nodejs22.x',
    },
    deliveryStream: {
      name: 'd',
      status: 'ACTIVE',
      roleArn: 'arn:aws:iam::111122223333:role/fh',
      bucket: 'b',
      bufferSeconds: 120,
    },
    delivery: {
      acknowledged: 100,
      missing: 100,
      oldestMissingAt: 1_000_000,
      unexpectedFailed: 0,
      givenUp: new Map(),
    },
    now: 1_030_000,
    ...over,
  };
}

const withLine = (message: string) => {
  const failure = lambdaFailure(message);
  if (!failure) throw new Error(`not read: ${message}`);
  return { ...failure, line: message.split('\n')[0] ?? '' };
};

describe('reading failures from log lines', () => {
  it("reads Node.js invoke and init errors: the type, the message, and the function's own line", () => {
    expect(lambdaFailure(NODE_INVOKE_ERROR)).toEqual({
      type: 'TypeError',
      message: "Cannot read properties of undefined (reading 'map')",
      where: 'index.mjs line 3',
      init: false,
    });
    const init = lambdaFailure(NODE_IMPORT_ERROR);
    expect(init).toMatchObject({
      type: 'Runtime.ImportModuleError',
      message: "Error: Cannot find module 'app'",
      init: true,
    });
    expect(missingModule(init as never)).toBe('app');
  });

  it('reads Python errors with their traceback, and timeouts', () => {
    expect(lambdaFailure(PYTHON_KEY_ERROR)).toEqual({
      type: 'KeyError',
      message: "'Records'",
      where: "lambda_function.py line 12: for record in event['Records']:",
      init: false,
    });
    expect(lambdaFailure(PYTHON_IMPORT_ERROR)).toMatchObject({
      type: 'Runtime.ImportModuleError',
      init: true,
    });
    expect(lambdaFailure(TIMEOUT)).toMatchObject({
      type: 'Sandbox.Timedout',
      message: 'Task timed out after 3.00 seconds',
    });
    expect(lambdaFailure('START RequestId: 1 Version: $LATEST')).toBeUndefined();
  });

  it("reads Firehose's error records, and tells error lines from the rest", () => {
    expect(firehoseFailure(FIREHOSE)).toMatchObject({ errorCode: 'Lambda.InvokeAccessDenied' });
    for (const line of [NODE_INVOKE_ERROR, PYTHON_KEY_ERROR, TIMEOUT, FIREHOSE])
      expect(isErrorLine(line)).toBe(true);
    for (const line of [
      'START RequestId: 1 Version: $LATEST',
      'REPORT RequestId: 1\tDuration: 2.3 ms',
      'transform: 40 records, 0 ProcessingFailed',
    ])
      expect(isErrorLine(line)).toBe(false);
  });
});

describe('finding causes', () => {
  it('names a handler that cannot load first, and does not also blame the code for the FunctionError it causes', () => {
    const causes = findCauses(
      evidence({
        lambda: [withLine(NODE_IMPORT_ERROR)],
        firehose: [{ errorCode: 'Lambda.FunctionError', message: '', from: 'log' }],
      }),
    );
    expect(causes.map((c) => c.id)).toEqual(['handler-not-found']);
    expect(causes[0]?.fix).toMatch(
      /Handler is "app\.handler", so Lambda looks for a file app\.js with a function handler/,
    );
    expect(causes[0]?.fix).toMatch(/set Handler to "index\.handler"/);
  });

  it("explains Node's 'reading map' of a missing field as Firehose's lower-case records", () => {
    const [cause] = findCauses(evidence({ lambda: [withLine(NODE_INVOKE_ERROR)] }));
    expect(cause).toMatchObject({ id: 'function-error' });
    expect(cause?.evidence).toContain('at index.mjs line 3');
    expect(cause?.fix).toMatch(/records in lower case/);
  });

  it('names the role and the function when Firehose may not invoke it, and the bucket when it may not write', () => {
    const causes = findCauses(
      evidence({
        firehose: [
          { ...firehoseFailure(FIREHOSE), from: 'log' } as Evidence['firehose'][number],
          { errorCode: 'Lambda.InvokeAccessDenied', message: '', from: 'record', count: 40 },
          { errorCode: 'S3.AccessDenied', message: '', from: 'log' },
        ],
      }),
    );
    expect(causes.map((c) => c.id)).toEqual(['invoke-denied', 'write-denied']);
    expect(causes[0]?.evidence).toEqual([
      'Firehose: Lambda.InvokeAccessDenied (1 error in its log, 40 records under errors/processing-failed/)',
    ]);
    expect(causes[0]?.fix).toMatch(
      /give the role arn:aws:iam::111122223333:role\/fh lambda:InvokeFunction .* on arn:aws:lambda:us-east-1:111122223333:function:t/,
    );
    expect(causes[1]?.fix).toMatch(/s3:PutObject on arn:aws:s3:::b\/\*/);
  });

  it('says the buffer is still filling only while nothing is wrong and the wait is within the buffer', () => {
    expect(findCauses(evidence()).map((c) => c.id)).toEqual(['buffering']);
    expect(findCauses(evidence({ now: 1_000_000 + 200_000 }))).toEqual([]);
    expect(findCauses(evidence({ lambda: [withLine(TIMEOUT)] })).map((c) => c.id)).toEqual([
      'function-timeout',
    ]);
  });

  it("points at the template's own processing-failed prefix, not ours", () => {
    const causes = findCauses(
      evidence({
        failedPrefix: 'failed/processing-failed/2026/',
        lambda: [withLine(NODE_INVOKE_ERROR)],
        firehose: [{ errorCode: 'Lambda.FunctionError', message: '', from: 'record', count: 3 }],
      }),
    );
    expect(causes[0]?.id).toBe('function-error');
    expect(causes[0]?.evidence).toContain(
      'Firehose: Lambda.FunctionError (3 records under failed/processing-failed/2026/)',
    );
    expect(causes[0]?.fix).not.toContain('errors/processing-failed/');
  });

  it('says a delivery stream that is not there carries nothing, instead of "still buffering"', () => {
    const gone = findCauses(
      evidence({
        deliveryStream: undefined,
        unreachable: { name: 'd', why: 'ResourceNotFoundException: Firehose d not found' },
      }),
    );
    expect(gone.map((c) => c.id)).toEqual(['delivery-stream-missing']);
    expect(gone[0]?.title).toBe('The delivery stream d is not there: nothing sent can reach the bucket');
    expect(gone[0]?.evidence).toEqual(['Firehose: ResourceNotFoundException: Firehose d not found']);
    // Nothing sent: nothing to explain.
    const idle = evidence({
      deliveryStream: undefined,
      unreachable: { why: 'no delivery stream reads the stream' },
      delivery: { acknowledged: 0, missing: 0, unexpectedFailed: 0, givenUp: new Map() },
    });
    expect(findCauses(idle)).toEqual([]);
  });
});
