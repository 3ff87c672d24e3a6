// The one place SDK clients are built, for every target: real AWS, the local cloud, any endpoint.
// The pipeline and the local cloud's own services (which call each other over HTTP, as AWS services do)
// both build their clients here.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { IAMClient } from '@aws-sdk/client-iam';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

// The SDK warns on stderr about Node 20 once per process; that line would land on the wizard's screen.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export interface ClientConfig {
  region: string;
  /** Unset for real AWS; the base URL of an AWS-compatible endpoint otherwise. */
  endpoint?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** A named profile from ~/.aws/config and ~/.aws/credentials (real AWS); unset uses AWS_PROFILE or default. */
  profile?: string;
  /** SDK retries per call (default 3). The producer sets its own and retries failed entries itself. */
  maxAttempts?: number;
}

export interface Clients {
  readonly kinesis: KinesisClient;
  readonly s3: S3Client;
  readonly firehose: FirehoseClient;
  readonly lambda: LambdaClient;
  readonly cloudformation: CloudFormationClient;
  readonly sts: STSClient;
  readonly logs: CloudWatchLogsClient;
  readonly iam: IAMClient;
  /** CloudWatch metrics (the SDK's CloudWatchClient; `logs` is CloudWatch Logs). */
  readonly cloudwatch: CloudWatchClient;
  destroy(): void;
}

/**
 * HTTP/1.1 with keep-alive for every client: Kinesis's HTTP/2 default cannot talk to a plain-HTTP endpoint,
 * and pooled sockets keep many PutRecords calls in flight without a handshake each.
 */
export function requestHandler(): NodeHttpHandler {
  return new NodeHttpHandler({
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
    connectionTimeout: 5_000,
  });
}

/** The options every client shares for this target. */
export function baseClientOptions(config: ClientConfig) {
  return {
    region: config.region,
    // An endpoint is one host: operations AWS serves on a prefixed host (Live Tail's `stream-`) go there too.
    ...(config.endpoint ? { endpoint: config.endpoint, disableHostPrefix: true } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
    ...(config.profile ? { profile: config.profile } : {}),
    ...(config.maxAttempts ? { maxAttempts: config.maxAttempts } : {}),
    requestHandler: requestHandler(),
  };
}

/** Clients for one target, each built on first use. */
export function createClients(config: ClientConfig): Clients {
  const base = () => baseClientOptions(config);
  const made: Array<{ destroy(): void }> = [];
  const lazy = <T extends { destroy(): void }>(make: () => T) => {
    let client: T | undefined;
    return () => {
      if (!client) {
        client = make();
        made.push(client);
      }
      return client;
    };
  };
  const kinesis = lazy(() => new KinesisClient(base()));
  // Path-style addressing: a local endpoint has no wildcard DNS for bucket subdomains.
  const s3 = lazy(() => new S3Client({ ...base(), forcePathStyle: Boolean(config.endpoint) }));
  const firehose = lazy(() => new FirehoseClient(base()));
  const lambda = lazy(() => new LambdaClient(base()));
  const cloudformation = lazy(() => new CloudFormationClient(base()));
  const sts = lazy(() => new STSClient(base()));
  const logs = lazy(() => new CloudWatchLogsClient(base()));
  const iam = lazy(() => new IAMClient(base()));
  const cloudwatch = lazy(() => new CloudWatchClient(base()));
  return {
    get kinesis() {
      return kinesis();
    },
    get s3() {
      return s3();
    },
    get firehose() {
      return firehose();
    },
    get lambda() {
      return lambda();
    },
    get cloudformation() {
      return cloudformation();
    },
    get sts() {
      return sts();
    },
    get logs() {
      return logs();
    },
    get iam() {
      return iam();
    },
    get cloudwatch() {
      return cloudwatch();
    },
    destroy() {
      for (const client of made.splice(0)) client.destroy();
    },
  };
}
