// boto3 scripts against a local cloud's S3, for tests that assert what AWS answers (codes, messages,
// fields, statuses) through a client nobody here wrote. A script fills `out` and the test checks it.
import { noBoto3, runOutsideClient } from './outside-clients.js';

export { noBoto3 };

const PRELUDE = `
import base64, hashlib, json, sys
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = sys.argv[1]

def client(region='us-east-1', **config):
    return boto3.client('s3', endpoint_url=ENDPOINT, region_name=region, config=Config(**config))

s3 = client()
out = {}

def status(response):
    return response['ResponseMetadata']['HTTPStatusCode']

def headers(response):
    return response['ResponseMetadata']['HTTPHeaders']

def error(call, *args, **kwargs):
    """The error S3 answered: its <Error> fields, Status, and the response headers; 'no error' if none."""
    try:
        call(*args, **kwargs)
    except ClientError as e:
        found = dict(e.response.get('Error', {}))
        found['Status'] = e.response['ResponseMetadata']['HTTPStatusCode']
        found['Headers'] = e.response['ResponseMetadata'].get('HTTPHeaders', {})
        return found
    return 'no error'

def without_headers(found):
    """The error's fields that identify it, without headers and per-request ids."""
    ignored = ('Headers', 'Resource', 'RequestId', 'HostId')
    return {k: v for k, v in found.items() if k not in ignored} if isinstance(found, dict) else found
`;

/** Runs `body` (Python, after the prelude above) with boto3 against `endpoint`; resolves with `out`. */
export async function runBoto3(endpoint: string, body: string): Promise<Record<string, unknown>> {
  const script = `${PRELUDE}\n${body}\nprint(json.dumps(out, default=str))\n`;
  const run = await runOutsideClient('python3', ['-c', script, endpoint]);
  if (run.status !== 0) throw new Error(`the boto3 script failed (${run.status}):\n${run.stderr}`);
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as Record<string, unknown>;
}
