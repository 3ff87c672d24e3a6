// Clients nobody here wrote (the aws CLI v2 and boto3) are the best test of wire compatibility. What they
// need, and why a test of them is skipped on a machine without them, is said once here.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { TEST_CREDENTIALS, TEST_REGION, tempDir } from './local-cloud.js';
import { missingTool } from './tools.js';

/** Debian's awscli package; the `aws` on PATH may be v1 from pip, which speaks older protocols. */
export const AWS_CLI_V2 = '/usr/bin/aws';

export const noAwsCliV2 = missingTool(AWS_CLI_V2, ['--version'], 'the aws CLI v2 (Debian package awscli)');

export const noBoto3 =
  missingTool('python3', ['--version'], 'Python 3') ??
  missingTool('python3', ['-c', 'import boto3'], 'boto3 with pip');

/** CloudFormation's DescribeEvents came in November 2025: older CLIs and botocores do not have it. */
export const noCliDescribeEvents =
  noAwsCliV2 ??
  (missingTool(AWS_CLI_V2, ['cloudformation', 'describe-events', '--generate-cli-skeleton'])
    ? `the aws CLI v2 at ${AWS_CLI_V2} predates CloudFormation's DescribeEvents (November 2025): upgrade it to test describe-events with it`
    : undefined);

export const noBotoDescribeEvents =
  noBoto3 ??
  (missingTool('python3', [
    '-c',
    "import boto3; boto3.client('cloudformation', region_name='us-east-1').describe_events",
  ])
    ? "this boto3 predates CloudFormation's DescribeEvents (November 2025): upgrade boto3 to test it"
    : undefined);

let home: string | undefined;

/** One empty home per test process for the outside clients, removed when the process ends. */
function outsideHome(): string {
  if (!home) {
    const dir = tempDir('aws-home-');
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    home = dir;
  }
  return home;
}

/**
 * The environment of an outside client: the test credentials and region, a fresh HOME so no user config or
 * cached credentials leak in, no pager, and no instance-metadata lookups.
 */
export function outsideClientEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: outsideHome(),
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: TEST_REGION,
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

export interface ClientRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs an outside client without blocking the test's event loop (the CLI's waiters poll for a minute or
 * more, and the local cloud under test may share the loop), with `input` on its stdin.
 */
export function runOutsideClient(command: string, args: string[], input = ''): Promise<ClientRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: outsideClientEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

/**
 * What every boto3 script a test runs starts with: `client(name)` aimed at the endpoint in argv[1] with the
 * test region, `err(call, **params)` giving what an AWS error carried ({code, message, status}, or None when
 * the call succeeded), `meta(response)` its HTTP status, and `out(value)` to print the result as JSON.
 */
const BOTO3_PRELUDE = `
import json, sys, time
import boto3
from botocore.exceptions import ClientError

def client(name, **extra):
    return boto3.client(name, endpoint_url=sys.argv[1], region_name='${TEST_REGION}', **extra)

def err(call, **params):
    try:
        call(**params)
    except ClientError as e:
        return {'code': e.response['Error']['Code'], 'message': e.response['Error'].get('Message'),
                'status': e.response['ResponseMetadata']['HTTPStatusCode']}
    return None

def status(response):
    return response['ResponseMetadata']['HTTPStatusCode']

def out(value):
    print(json.dumps(value, default=str))
`;

/**
 * Runs a boto3 script (after BOTO3_PRELUDE) against a local cloud and returns what it printed with `out`,
 * parsed; a script that fails throws with its stderr.
 */
export async function runBoto3<T = Record<string, unknown>>(endpoint: string, script: string): Promise<T> {
  const run = await runOutsideClient('python3', ['-c', `${BOTO3_PRELUDE}\n${script}`, endpoint]);
  if (run.status !== 0) throw new Error(`the boto3 script failed (exit ${run.status}):\n${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
