import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it } from 'vitest';
import { firehoseEvent, shopEvent } from '../../support/firehose.js';
import { createInlineFunction, eventually, invokeJson } from '../../support/lambda.js';
import { useLocalCloud } from '../../support/local-cloud.js';
import { missingTool, skipTitle } from '../../support/tools.js';

const noPython = missingTool('python3', ['--version'], 'Python 3');
const noBoto3 = noPython ?? missingTool('python3', ['-c', 'import boto3'], 'boto3 with pip');

// A Python version of the pipeline's transform, as the original homework's inline Lambda was written.
const PYTHON_TRANSFORM = `
import base64
import json

BANDS = [(100, 249, 'Clothing'), (250, 499, 'Instruments'), (500, 749, 'Electronics'), (750, 999, 'Books')]


def category(item_id):
    if isinstance(item_id, int) and not isinstance(item_id, bool):
        for low, high, name in BANDS:
            if low <= item_id <= high:
                return name
    return 'Other'


def handler(event, context):
    output = []
    for record in event['records']:
        try:
            data = json.loads(base64.b64decode(record['data']))
            data['category'] = category(data.get('item_id'))
            line = (json.dumps(data) + '\\n').encode('utf-8')
            output.append({'recordId': record['recordId'], 'result': 'Ok', 'data': base64.b64encode(line).decode()})
        except Exception:
            output.append({'recordId': record['recordId'], 'result': 'ProcessingFailed', 'data': record['data']})
    print('transformed', len(output), 'records')
    return {'records': output}
`;

describe('local Lambda (Python)', () => {
  const lc = useLocalCloud();
  const lambda = () => lc().clients.lambda;

  it.skipIf(noPython)(
    skipTitle('runs an inline index.py with its environment, and logs what it prints', noPython),
    async () => {
      await createInlineFunction(
        lambda(),
        'py-echo',
        'import os, sys\n\ndef handler(event, context):\n    print("hello from", context.function_name)\n' +
          '    return {"event": event, "color": os.environ["COLOR"], "fn": os.environ["AWS_LAMBDA_FUNCTION_NAME"],\n' +
          '            "left": context.get_remaining_time_in_millis() > 0, "stdin": sys.stdin.read()}\n',
        { Runtime: 'python3.13', Environment: { Variables: { COLOR: 'teal' } } },
      );
      const out = await invokeJson(lambda(), 'py-echo', { n: 1 }, true);
      expect(out.functionError).toBeUndefined();
      expect(out.payload).toEqual({ event: { n: 1 }, color: 'teal', fn: 'py-echo', left: true, stdin: '' });
      // Several calls in a row go through the same environment, the requests never reaching the function.
      expect((await invokeJson(lambda(), 'py-echo', { n: 2 })).payload).toMatchObject({
        event: { n: 2 },
        stdin: '',
      });
      expect(out.log).toContain('hello from py-echo\n');
      const events = await eventually(async () => {
        const found = await lc().clients.logs.send(
          new FilterLogEventsCommand({ logGroupName: '/aws/lambda/py-echo', filterPattern: '"hello from"' }),
        );
        return found.events?.length ? found.events : undefined;
      });
      expect(events[0]?.message).toBe('hello from py-echo\n');
    },
  );

  it.skipIf(noPython)(
    skipTitle('returns a raised exception with errorMessage, errorType, requestId and stackTrace', noPython),
    async () => {
      await createInlineFunction(
        lambda(),
        'py-raise',
        'def handler(event, context):\n    raise ValueError("no such order: " + event["id"])\n',
        { Runtime: 'python3.12' },
      );
      const out = await invokeJson(lambda(), 'py-raise', { id: 'o-9' });
      expect(out.functionError).toBe('Unhandled');
      const error = out.payload as {
        errorMessage: string;
        errorType: string;
        requestId: string;
        stackTrace: string[];
      };
      expect(error.errorType).toBe('ValueError');
      expect(error.errorMessage).toBe('no such order: o-9');
      expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(error.stackTrace.join('')).toContain('raise ValueError');
    },
  );

  it.skipIf(noPython)(
    skipTitle('reports a missing module or handler, and kills a function at its timeout', noPython),
    async () => {
      await createInlineFunction(lambda(), 'py-nomodule', 'def handler(e, c):\n    return 1\n', {
        Runtime: 'python3.13',
        Handler: 'app.handler',
      });
      expect((await invokeJson(lambda(), 'py-nomodule')).payload).toMatchObject({
        errorType: 'Runtime.ImportModuleError',
        errorMessage: "Unable to import module 'app': No module named 'app'",
      });
      await createInlineFunction(lambda(), 'py-nohandler', 'def main(e, c):\n    return 1\n', {
        Runtime: 'python3.13',
      });
      expect((await invokeJson(lambda(), 'py-nohandler')).payload).toMatchObject({
        errorType: 'Runtime.HandlerNotFound',
        errorMessage: "Handler 'handler' missing on module 'index'",
      });
      await createInlineFunction(
        lambda(),
        'py-slow',
        'import time\n\ndef handler(e, c):\n    time.sleep(30)\n',
        {
          Runtime: 'python3.13',
          Timeout: 1,
        },
      );
      expect((await invokeJson(lambda(), 'py-slow')).payload).toMatchObject({
        errorType: 'Sandbox.Timedout',
        errorMessage: expect.stringContaining('Task timed out after 1.00 seconds'),
      });
    },
  );

  it.skipIf(noPython)(
    skipTitle('runs a Python Firehose transform on a real Firehose event', noPython),
    async () => {
      await createInlineFunction(lambda(), 'py-transform', PYTHON_TRANSFORM, {
        Runtime: 'python3.13',
        Timeout: 60,
      });
      const good = shopEvent({ item_id: 300 });
      const event = firehoseEvent([
        Buffer.from(JSON.stringify(good)).toString('base64'),
        Buffer.from('{{{').toString('base64'),
      ]);
      const out = await invokeJson(lambda(), 'py-transform', event);
      const records = (out.payload as { records: Array<{ recordId: string; result: string; data: string }> })
        .records;
      expect(records.map((r) => [r.recordId, r.result])).toEqual([
        ['r0', 'Ok'],
        ['r1', 'ProcessingFailed'],
      ]);
      expect(JSON.parse(Buffer.from(records[0]?.data ?? '', 'base64').toString())).toMatchObject({
        event_id: good.event_id,
        category: 'Instruments',
      });
    },
  );

  it.skipIf(noBoto3)(skipTitle('gives functions a boto3 aimed at the local cloud', noBoto3), async () => {
    await createInlineFunction(
      lambda(),
      'py-boto3',
      'import boto3\n\ndef handler(event, context):\n    return boto3.client("sts").get_caller_identity()["Account"]\n',
      { Runtime: 'python3.13', Timeout: 60 },
    );
    const out = await invokeJson(lambda(), 'py-boto3');
    expect(out.functionError).toBeUndefined();
    expect(out.payload).toBe('000000000000');
  });
});
