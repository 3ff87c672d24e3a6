import { readFileSync } from 'node:fs';
import {
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  InvokeCommand,
  ListFunctionsCommand,
  ListTagsCommand,
  RemovePermissionCommand,
  TagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the build script is plain JavaScript, shared with `npm run build`.
import { templatePath } from '../../../scripts/lambda-bundle.mjs';
import { inlineCodeZip } from '../../../src/local-cloud/lambda/code.js';
import { parseTemplate } from '../../../src/template/parse.js';
import { firehoseEvent, shopEvent } from '../../support/firehose.js';
import { createInlineFunction, eventually, invokeJson, TEST_ROLE } from '../../support/lambda.js';
import { useLocalCloud } from '../../support/local-cloud.js';

describe('local Lambda (Node.js)', () => {
  const lc = useLocalCloud();
  const lambda = () => lc().clients.lambda;
  const logs = () => lc().clients.logs;

  it('creates a function from an inline-code zip, Pending then Active, and invokes it', async () => {
    const created = await createInlineFunction(
      lambda(),
      'echo',
      'exports.handler = async (event, context) => ({ got: event, name: context.functionName, left: context.getRemainingTimeInMillis() > 0 });',
    );
    expect(created.State).toBe('Pending');
    expect(created.FunctionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:echo');
    expect(created.CodeSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(created.CodeSize).toBeGreaterThan(0);
    expect(created.Timeout).toBe(3);
    expect(created.MemorySize).toBe(128);
    const config = await lambda().send(new GetFunctionConfigurationCommand({ FunctionName: 'echo' }));
    expect(config.State).toBe('Active');
    expect(config.LastUpdateStatus).toBe('Successful');
    const out = await invokeJson(lambda(), 'echo', { hello: 'world' });
    expect(out.status).toBe(200);
    expect(out.functionError).toBeUndefined();
    expect(out.payload).toEqual({ got: { hello: 'world' }, name: 'echo', left: true });
  });

  it('gives the function its Environment and the standard Lambda variables, not the server`s', async () => {
    await createInlineFunction(lambda(), 'env', 'exports.handler = async () => ({ ...process.env });', {
      Environment: { Variables: { GREETING: 'hej', STAGE: 'test' } },
      MemorySize: 256,
    });
    const { payload } = await invokeJson(lambda(), 'env');
    const env = payload as Record<string, string>;
    expect(env).toMatchObject({
      GREETING: 'hej',
      STAGE: 'test',
      AWS_LAMBDA_FUNCTION_NAME: 'env',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_REGION: 'us-east-1',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/env',
      _HANDLER: 'index.handler',
    });
    expect(env.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(env.AWS_ENDPOINT_URL).toBe(lc().cloud.endpoint);
    // The local cloud's own process environment (the test runner's) does not leak into the function.
    expect(env.VITEST).toBeUndefined();
  });

  it('lets a function require the AWS SDK, as Lambda`s Node.js runtimes do, aimed at the local cloud', async () => {
    await createInlineFunction(
      lambda(),
      'sdk-user',
      'const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts");\n' +
        'exports.handler = async () => (await new STSClient({}).send(new GetCallerIdentityCommand({}))).Account;',
      { Timeout: 30 },
    );
    const out = await invokeJson(lambda(), 'sdk-user');
    expect(out.functionError).toBeUndefined();
    expect(out.payload).toBe('000000000000');
  });

  it('refuses reserved environment keys with AWS`s message', async () => {
    await expect(
      lambda().send(
        new CreateFunctionCommand({
          FunctionName: 'reserved',
          Runtime: 'nodejs22.x',
          Role: TEST_ROLE,
          Handler: 'index.handler',
          Code: { ZipFile: inlineCodeZip('nodejs22.x', 'exports.handler = async () => 1;') },
          Environment: { Variables: { AWS_REGION: 'eu-west-1' } },
        }),
      ),
    ).rejects.toThrow(/reserved keys .*AWS_REGION/);
  });

  it('returns a thrown error as FunctionError Unhandled with errorType, errorMessage and trace', async () => {
    await createInlineFunction(
      lambda(),
      'thrower',
      'class ValidationError extends Error { constructor(m) { super(m); this.name = "ValidationError"; } }\n' +
        'exports.handler = async () => { throw new ValidationError("bad input"); };',
    );
    const out = await invokeJson(lambda(), 'thrower');
    expect(out.status).toBe(200);
    expect(out.functionError).toBe('Unhandled');
    const error = out.payload as { errorType: string; errorMessage: string; trace: string[] };
    expect(error.errorType).toBe('ValidationError');
    expect(error.errorMessage).toBe('bad input');
    expect(error.trace[0]).toBe('ValidationError: bad input');
    // The environment survives a handled throw: the next call works the same way.
    expect((await invokeJson(lambda(), 'thrower')).functionError).toBe('Unhandled');
  });

  it('kills a function at its Timeout and answers as Lambda does, then runs the next call fresh', async () => {
    await createInlineFunction(
      lambda(),
      'sleeper',
      'exports.handler = async (e) => { if (e.sleep) await new Promise((r) => setTimeout(r, 60000)); return "awake"; };',
      { Timeout: 1 },
    );
    const out = await invokeJson(lambda(), 'sleeper', { sleep: true }, true);
    expect(out.functionError).toBe('Unhandled');
    expect(out.payload).toMatchObject({
      errorType: 'Sandbox.Timedout',
      errorMessage: expect.stringMatching(
        /^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/,
      ),
    });
    expect(out.log).toMatch(/Task timed out after 1\.00 seconds/);
    expect(out.log).toMatch(/REPORT RequestId: .*Status: timeout/);
    expect((await invokeJson(lambda(), 'sleeper', { sleep: false })).payload).toBe('awake');
  });

  it('reports a missing module and a missing handler with the runtime`s error types', async () => {
    await createInlineFunction(lambda(), 'nomodule', 'exports.handler = async () => 1;', {
      Handler: 'app.handler',
    });
    const missing = await invokeJson(lambda(), 'nomodule');
    expect(missing.functionError).toBe('Unhandled');
    expect(missing.payload).toMatchObject({
      errorType: 'Runtime.ImportModuleError',
      errorMessage: expect.stringContaining("Cannot find module 'app'"),
    });
    await createInlineFunction(lambda(), 'nohandler', 'exports.main = async () => 1;');
    expect((await invokeJson(lambda(), 'nohandler')).payload).toMatchObject({
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: 'index.handler is undefined or not exported',
    });
  });

  it('supports callback handlers on nodejs22.x and refuses them on nodejs24.x', async () => {
    const source =
      'exports.handler = (event, context, callback) => { setTimeout(() => callback(null, { n: event.n + 1 }), 5); };';
    await createInlineFunction(lambda(), 'callback22', source, { Runtime: 'nodejs22.x' });
    expect((await invokeJson(lambda(), 'callback22', { n: 1 })).payload).toEqual({ n: 2 });
    await createInlineFunction(lambda(), 'callback24', source, { Runtime: 'nodejs24.x' });
    expect((await invokeJson(lambda(), 'callback24', { n: 1 })).payload).toMatchObject({
      errorType: 'Runtime.CallbackHandlerDeprecated',
    });
  });

  it('refuses a runtime AWS no longer lets you create functions on, with AWS`s message', async () => {
    await expect(
      lambda().send(
        new CreateFunctionCommand({
          FunctionName: 'old',
          Runtime: 'nodejs18.x',
          Role: TEST_ROLE,
          Handler: 'index.handler',
          Code: { ZipFile: inlineCodeZip('nodejs18.x', 'exports.handler = async () => 1;') },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringMatching(
        /^The runtime parameter of nodejs18\.x is no longer supported for creating or updating AWS Lambda functions\. We recommend you use the new runtime \(nodejs2\dx?\.x\)/,
      ),
    });
  });

  it('refuses a package that is not a zip, and a second function of the same name', async () => {
    await expect(
      lambda().send(
        new CreateFunctionCommand({
          FunctionName: 'notzip',
          Runtime: 'nodejs24.x',
          Role: TEST_ROLE,
          Handler: 'index.handler',
          Code: { ZipFile: Buffer.from('exports.handler = 1') },
        }),
      ),
    ).rejects.toThrow('Could not unzip uploaded file. Please check your file, then try to upload again.');
    await expect(
      createInlineFunction(lambda(), 'echo', 'exports.handler = async () => 1;'),
    ).rejects.toMatchObject({ name: 'ResourceConflictException', message: 'Function already exist: echo' });
  });

  it('answers for a function that does not exist with ResourceNotFoundException', async () => {
    await expect(lambda().send(new InvokeCommand({ FunctionName: 'ghost' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:ghost',
    });
  });

  it('writes what the function prints to /aws/lambda/<name>, with START, END and REPORT lines', async () => {
    await createInlineFunction(
      lambda(),
      'talker',
      'exports.handler = async (e) => { console.log("processing order", e.id); console.error("warning for", e.id); return e.id; };',
    );
    const out = await invokeJson(lambda(), 'talker', { id: 'order-77' }, true);
    expect(out.log).toMatch(/^START RequestId: [0-9a-f-]{36} Version: \$LATEST/m);
    expect(out.log).toMatch(/\tINFO\tprocessing order order-77\n/);
    expect(out.log).toMatch(/^END RequestId: /m);
    expect(out.log).toMatch(
      /^REPORT RequestId: .*\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB/m,
    );
    const found = await eventually(async () => {
      const result = await logs().send(
        new FilterLogEventsCommand({
          logGroupName: '/aws/lambda/talker',
          filterPattern: '"processing order"',
        }),
      );
      return result.events?.length ? result.events : undefined;
    });
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t[0-9a-f-]{36}\tINFO\tprocessing order order-77\n$/,
    );
    expect(found[0]?.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    const stream = found[0]?.logStreamName as string;
    const all = await eventually(async () => {
      const page = await logs().send(
        new GetLogEventsCommand({
          logGroupName: '/aws/lambda/talker',
          logStreamName: stream,
          startFromHead: true,
        }),
      );
      return page.events?.some((e) => e.message?.startsWith('REPORT')) ? page.events : undefined;
    });
    const kinds = all.map((e) => (e.message ?? '').split(/[\s]/)[0]);
    expect(kinds[0]).toBe('START');
    expect(kinds.slice(-2)).toEqual(['END', 'REPORT']);
    expect(all.some((e) => e.message?.includes('\tERROR\twarning for order-77'))).toBe(true);
  });

  it('sends output to LoggingConfig.LogGroup when one is set', async () => {
    await createInlineFunction(
      lambda(),
      'custom-group',
      'exports.handler = async () => { console.log("to my group"); };',
      {
        LoggingConfig: { LogFormat: 'Text', LogGroup: '/custom/transform' },
      },
    );
    await invokeJson(lambda(), 'custom-group');
    const events = await eventually(async () => {
      const result = await logs().send(
        new FilterLogEventsCommand({ logGroupName: '/custom/transform', filterPattern: '"to my group"' }),
      );
      return result.events?.length ? result.events : undefined;
    });
    expect(events).toHaveLength(1);
  });

  it('never runs two invocations in one environment at once, and reuses warm environments', async () => {
    await createInlineFunction(
      lambda(),
      'pool',
      'let busy = 0; let calls = 0;\n' +
        'exports.handler = async () => { busy++; calls++; const seen = busy; await new Promise((r) => setTimeout(r, 50)); busy--; return { pid: process.pid, seen, calls }; };',
      { Timeout: 30 },
    );
    const results = await Promise.all(
      Array.from({ length: 16 }, () =>
        invokeJson(lambda(), 'pool').then((r) => r.payload as { pid: number; seen: number; calls: number }),
      ),
    );
    expect(results.every((r) => r.seen === 1)).toBe(true);
    const pids = new Set(results.map((r) => r.pid));
    expect(pids.size).toBeGreaterThan(0);
    expect(pids.size).toBeLessThan(16);
    // Module state survives between calls in one environment: some environment served several calls.
    expect(Math.max(...results.map((r) => r.calls))).toBeGreaterThan(1);
  });

  it('runs the pipeline transform from the template`s inline code on a real Firehose event', async () => {
    const template = parseTemplate(readFileSync(templatePath, 'utf8'));
    const properties = template.Resources?.TransformFunction?.Properties as {
      Runtime: string;
      Handler: string;
      Code: { ZipFile: string };
    };
    await createInlineFunction(lambda(), 'transform', properties.Code.ZipFile, {
      Runtime: properties.Runtime,
      Handler: properties.Handler,
      Timeout: 60,
    });
    const good = shopEvent({ item_id: 612 });
    const event = firehoseEvent([
      Buffer.from(JSON.stringify(good)).toString('base64'),
      Buffer.from('not json at all').toString('base64'),
    ]);
    const out = await invokeJson(lambda(), 'transform', event);
    expect(out.functionError).toBeUndefined();
    const records = (out.payload as { records: Array<{ recordId: string; result: string; data: string }> })
      .records;
    expect(records.map((r) => [r.recordId, r.result])).toEqual([
      ['r0', 'Ok'],
      ['r1', 'ProcessingFailed'],
    ]);
    const line = Buffer.from(records[0]?.data ?? '', 'base64').toString('utf8');
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toMatchObject({
      event_id: good.event_id,
      item_id: 612,
      category: 'Electronics',
    });
    expect(records[1]?.data).toBe(event.records[1]?.data);
  });

  it('updates code and configuration: new code runs, LastUpdateStatus goes InProgress then Successful', async () => {
    await createInlineFunction(lambda(), 'evolving', 'exports.handler = async () => "v1";');
    expect((await invokeJson(lambda(), 'evolving')).payload).toBe('v1');
    const updated = await lambda().send(
      new UpdateFunctionCodeCommand({
        FunctionName: 'evolving',
        ZipFile: inlineCodeZip('nodejs24.x', 'exports.handler = async () => "v2:" + process.env.MODE;'),
      }),
    );
    expect(updated.LastUpdateStatus).toBe('InProgress');
    await waitUntilFunctionUpdatedV2(
      { client: lambda(), maxWaitTime: 60, minDelay: 1 },
      { FunctionName: 'evolving' },
    );
    const configured = await lambda().send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'evolving',
        Environment: { Variables: { MODE: 'blue' } },
        Timeout: 10,
      }),
    );
    expect(configured.Timeout).toBe(10);
    await waitUntilFunctionUpdatedV2(
      { client: lambda(), maxWaitTime: 60, minDelay: 1 },
      { FunctionName: 'evolving' },
    );
    expect((await invokeJson(lambda(), 'evolving')).payload).toBe('v2:blue');
    const fn = await lambda().send(new GetFunctionCommand({ FunctionName: 'evolving' }));
    expect(fn.Configuration?.CodeSha256).toBe(updated.CodeSha256);
    // The code location serves the current package.
    const zip = new Uint8Array(await (await fetch(fn.Code?.Location as string)).arrayBuffer());
    expect(new TextDecoder().decode(unzipSync(zip)['index.js'])).toContain('"v2:"');
  });

  it('keeps resource policy statements (AddPermission, GetPolicy, RemovePermission) and tags', async () => {
    await createInlineFunction(lambda(), 'guarded', 'exports.handler = async () => 1;', {
      Tags: { team: 'data' },
    });
    const added = await lambda().send(
      new AddPermissionCommand({
        FunctionName: 'guarded',
        StatementId: 'firehose-invoke',
        Action: 'lambda:InvokeFunction',
        Principal: 'firehose.amazonaws.com',
        SourceArn: 'arn:aws:firehose:us-east-1:000000000000:deliverystream/x',
      }),
    );
    expect(JSON.parse(added.Statement as string)).toMatchObject({
      Sid: 'firehose-invoke',
      Principal: { Service: 'firehose.amazonaws.com' },
      Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:firehose:us-east-1:000000000000:deliverystream/x' } },
    });
    await expect(
      lambda().send(
        new AddPermissionCommand({
          FunctionName: 'guarded',
          StatementId: 'firehose-invoke',
          Action: 'lambda:InvokeFunction',
          Principal: 'firehose.amazonaws.com',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceConflictException' });
    const policy = JSON.parse(
      (await lambda().send(new GetPolicyCommand({ FunctionName: 'guarded' }))).Policy as string,
    );
    expect(policy.Statement).toHaveLength(1);
    await lambda().send(
      new RemovePermissionCommand({ FunctionName: 'guarded', StatementId: 'firehose-invoke' }),
    );
    await expect(lambda().send(new GetPolicyCommand({ FunctionName: 'guarded' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    const arn = 'arn:aws:lambda:us-east-1:000000000000:function:guarded';
    await lambda().send(new TagResourceCommand({ Resource: arn, Tags: { env: 'local' } }));
    expect((await lambda().send(new ListTagsCommand({ Resource: arn }))).Tags).toEqual({
      team: 'data',
      env: 'local',
    });
  });

  it('lists and deletes functions', async () => {
    await createInlineFunction(lambda(), 'doomed', 'exports.handler = async () => 1;');
    const names = (await lambda().send(new ListFunctionsCommand({}))).Functions?.map((f) => f.FunctionName);
    expect(names).toContain('doomed');
    await lambda().send(new DeleteFunctionCommand({ FunctionName: 'doomed' }));
    await expect(lambda().send(new GetFunctionCommand({ FunctionName: 'doomed' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('answers Event invocations with 202 and runs them, and DryRun with 204', async () => {
    await createInlineFunction(
      lambda(),
      'async-job',
      'exports.handler = async (e) => { console.log("job", e.job); };',
    );
    const event = await lambda().send(
      new InvokeCommand({
        FunctionName: 'async-job',
        InvocationType: 'Event',
        Payload: Buffer.from('{"job":"j-42"}'),
      }),
    );
    expect(event.StatusCode).toBe(202);
    const dry = await lambda().send(
      new InvokeCommand({ FunctionName: 'async-job', InvocationType: 'DryRun' }),
    );
    expect(dry.StatusCode).toBe(204);
    await eventually(async () => {
      const found = await logs().send(
        new FilterLogEventsCommand({ logGroupName: '/aws/lambda/async-job', filterPattern: 'j-42' }),
      );
      return found.events?.length ? true : undefined;
    });
    const streams = await logs().send(
      new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/async-job' }),
    );
    expect(streams.logStreams?.length).toBe(1);
  });

  it('refuses payloads over 6 MB and payloads that are not JSON', async () => {
    await expect(
      lambda().send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.alloc(6_291_457, 32) })),
    ).rejects.toMatchObject({
      name: 'RequestTooLargeException',
      message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
    });
    await expect(
      lambda().send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{nope') })),
    ).rejects.toMatchObject({ name: 'InvalidRequestContentException' });
  });
});
