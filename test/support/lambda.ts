import {
  CreateFunctionCommand,
  type CreateFunctionCommandInput,
  InvokeCommand,
  type LambdaClient,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { inlineCodeZip } from '../../src/local-cloud/lambda/code.js';

export const TEST_ROLE = 'arn:aws:iam::000000000000:role/lambda-test';

/** Creates a function from inline source (zipped as CloudFormation zips `Code.ZipFile`) and waits until Active. */
export async function createInlineFunction(
  lambda: LambdaClient,
  name: string,
  source: string,
  options: Partial<Omit<CreateFunctionCommandInput, 'Runtime'>> & { Runtime?: string } = {},
) {
  const runtime = options.Runtime ?? 'nodejs24.x';
  const created = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Role: TEST_ROLE,
      Handler: 'index.handler',
      Code: { ZipFile: inlineCodeZip(runtime, source) },
      ...options,
      Runtime: runtime as CreateFunctionCommandInput['Runtime'],
    }),
  );
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 60, minDelay: 1 }, { FunctionName: name });
  return created;
}

/** Invokes synchronously; returns the parsed payload with the error header and decoded log tail. */
export async function invokeJson(lambda: LambdaClient, name: string, event: unknown = {}, tail = false) {
  const out = await lambda.send(
    new InvokeCommand({
      FunctionName: name,
      Payload: Buffer.from(JSON.stringify(event)),
      ...(tail ? { LogType: 'Tail' as const } : {}),
    }),
  );
  const text = Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8');
  return {
    status: out.StatusCode,
    functionError: out.FunctionError,
    payload: text ? (JSON.parse(text) as unknown) : undefined,
    log: out.LogResult ? Buffer.from(out.LogResult, 'base64').toString('utf8') : undefined,
  };
}

/** Polls until `check` returns a value (not undefined), or fails after the timeout. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until)
      throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${last}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
