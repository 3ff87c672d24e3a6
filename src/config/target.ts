// Target resolution: which cloud the app talks to (the local cloud, real AWS, or another endpoint), with
// which credentials and region, and who that makes us. Everything after this sees only `Target`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  DEFAULT_REGION,
  type LocalCloudHandle,
  type LocalCloudOptions,
  LocalCloudStartError,
  startLocalCloud,
} from '../local-cloud/index.js';
import { baseClientOptions, type ClientConfig, type Clients, createClients } from './clients.js';
import { InputError, messageOf, TargetError } from './errors.js';
import { journalPath } from './names.js';
import { defaultLocalCloudDir } from './paths.js';
import { sharedProfiles } from './profiles.js';

export type TargetKind = 'local' | 'aws' | 'endpoint';

export interface TargetOptions {
  /** Real AWS through the default credential chain. */
  aws?: boolean;
  profile?: string;
  region?: string;
  /** Any AWS-compatible endpoint; AWS_ENDPOINT_URL when unset (and not --aws). */
  endpointUrl?: string;
  /** Local target: the local cloud's data dir (default under the state dir). */
  dataDir?: string;
  /** Local target: a temporary data dir, removed on close. */
  ephemeral?: boolean;
  /** Local target: settings for the local cloud (tests use them for limits and fault injection). */
  localCloud?: Partial<Pick<LocalCloudOptions, 'kinesis' | 'firehosePollMs' | 'port'>>;
  env?: NodeJS.ProcessEnv;
}

export interface Identity {
  account: string;
  arn: string;
}

export interface Target {
  readonly kind: TargetKind;
  readonly region: string;
  /** The endpoint URL for local and endpoint targets; unset for AWS. */
  readonly endpoint?: string;
  readonly profile?: string;
  /** The local cloud's data dir (local target only). */
  readonly dataDir?: string;
  /** The local cloud's log file (local target only). */
  readonly logPath?: string;
  readonly identity: Identity;
  readonly clients: Clients;
  /** One line saying where we are: "local cloud at ..., account ..., us-east-1". */
  readonly description: string;
  /** The client settings, for building a client with other options (the producer's own retries). */
  readonly clientConfig: ClientConfig;
  /** Where the producer journal for a stack of this target lives. */
  journalPath(stackName: string): string;
  /** Stops the local cloud (if one was started) and closes every client. */
  close(): Promise<void>;
}

/** Any access key works on the local cloud; these are not secrets. */
const LOCAL_CREDENTIALS = { accessKeyId: 'kinesis-tui-local', secretAccessKey: 'kinesis-tui-local' };

function checkOptions(options: TargetOptions, env: NodeJS.ProcessEnv): string | undefined {
  if (options.aws && options.endpointUrl) {
    throw new InputError('--aws and --endpoint-url name two different targets: pass one of them');
  }
  const endpoint = options.endpointUrl ?? (options.aws ? undefined : env.AWS_ENDPOINT_URL || undefined);
  const remote = options.aws || endpoint;
  if (remote && (options.dataDir || options.ephemeral)) {
    throw new InputError(
      '--data-dir and --ephemeral are for the local cloud; drop them with --aws or --endpoint-url',
    );
  }
  if (options.dataDir && options.ephemeral) {
    throw new InputError('--ephemeral uses a temporary data dir; pass it or --data-dir, not both');
  }
  if (!remote && options.profile) {
    throw new InputError('--profile names AWS credentials: add --aws (or --endpoint-url) to use it');
  }
  if (endpoint) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new InputError(`"${endpoint}" is not a URL: pass an endpoint such as http://127.0.0.1:4566`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new InputError(`"${endpoint}" is not an http(s) URL: pass one such as http://127.0.0.1:4566`);
    }
    return url.toString().replace(/\/$/, '');
  }
  return undefined;
}

/** The answer came back, but not from an AWS API: the status and the start of what came, for the message. */
function foreignAnswer(error: unknown): string | undefined {
  const e = error as {
    code?: string;
    message?: string;
    $response?: { statusCode?: number };
    $responseBodyText?: string;
    noAccount?: number;
  };
  // Node's HTTP parser refused the bytes (HPE_*): whatever listens there does not speak HTTP.
  if (e.code?.startsWith('HPE_')) return `not HTTP: ${e.message ?? e.code}`;
  if (e.noAccount !== undefined) return `HTTP ${e.noAccount}, but no account in the answer`;
  const status = e.$response?.statusCode;
  // An AWS error carries a code the SDK names the error after; a body the SDK could not read as one is foreign.
  if (status !== undefined && e.$responseBodyText !== undefined) {
    const body = e.$responseBodyText.replace(/\s+/g, ' ').trim();
    return `HTTP ${status}${body ? `: ${JSON.stringify(body.length > 60 ? `${body.slice(0, 60)}...` : body)}` : ''}`;
  }
  return undefined;
}

/** Why GetCallerIdentity failed, as a message naming the fix. Never includes a credential. */
export function explainIdentityError(
  error: unknown,
  context: { kind: TargetKind; endpoint?: string; profile?: string },
): TargetError {
  const name = (error as { name?: string }).name ?? '';
  const message = messageOf(error);
  const code = (error as { code?: string }).code ?? '';
  const where = context.kind === 'aws' ? 'AWS' : `the endpoint ${context.endpoint}`;
  if (name === 'CredentialsProviderError' || /Could not load credentials/.test(message)) {
    return new TargetError(
      `no AWS credentials found${context.profile ? ` for profile "${context.profile}"` : ''}: ` +
        'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, pass --profile NAME, or run `aws configure` ' +
        '(or `aws sso login` for SSO profiles)',
    );
  }
  if (/InvalidClientTokenId|SignatureDoesNotMatch|UnrecognizedClient|InvalidAccessKeyId/.test(name)) {
    return new TargetError(
      `${where} refused the credentials (${name}): check the access key and secret of ${
        context.profile ? `profile "${context.profile}"` : 'your environment or default profile'
      }`,
    );
  }
  if (/ExpiredToken|TokenRefreshRequired/.test(name) || /expired/i.test(message)) {
    return new TargetError(
      `the credentials have expired (${name}): refresh them, e.g. \`aws sso login${
        context.profile ? ` --profile ${context.profile}` : ''
      }\``,
    );
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|EHOSTUNREACH/.test(`${code} ${message}`)) {
    return new TargetError(
      `cannot reach ${where} (${code || message}): check the URL and that the service is running` +
        (context.kind === 'aws' ? ', and your network connection' : ''),
    );
  }
  const foreign = foreignAnswer(error);
  if (foreign) {
    return new TargetError(
      `${where} does not answer as AWS does (${foreign}): ` +
        (context.kind === 'aws'
          ? 'something between you and AWS (a proxy, a captive portal) answered instead; check your network'
          : 'check the URL, and that an AWS-compatible service (such as `kinesis-tui local-cloud`) listens there'),
    );
  }
  return new TargetError(
    `${where} did not answer STS GetCallerIdentity as expected (${name || 'error'}: ${message}): ` +
      'check that the endpoint speaks the AWS APIs',
  );
}

async function whoAmI(config: ClientConfig, context: Parameters<typeof explainIdentityError>[1]) {
  const sts = new STSClient({ ...baseClientOptions(config), maxAttempts: 2 });
  try {
    const who = await sts.send(new GetCallerIdentityCommand({}));
    if (!who.Account) {
      throw Object.assign(new Error('the answer named no account'), {
        noAccount: who.$metadata.httpStatusCode ?? 0,
      });
    }
    return { account: who.Account, arn: who.Arn ?? '' };
  } catch (error) {
    throw explainIdentityError(error, context);
  } finally {
    sts.destroy();
  }
}

async function resolveRegion(options: TargetOptions, env: NodeJS.ProcessEnv, fallback?: string) {
  if (options.region) {
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(options.region)) {
      throw new InputError(`"${options.region}" is not an AWS region name: pass one such as eu-west-1`);
    }
    return options.region;
  }
  const fromEnv = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (fromEnv) return fromEnv;
  // The SDK reads the profile's region from the shared config file.
  const probe = new STSClient({ ...(options.profile ? { profile: options.profile } : {}) });
  try {
    return await probe.config.region();
  } catch {
    if (fallback) return fallback;
    throw new TargetError(
      'no AWS region: pass --region (e.g. --region eu-west-1), set AWS_REGION, or set `region` in your profile ' +
        `(\`aws configure${options.profile ? ` --profile ${options.profile}` : ''}\`)`,
    );
  } finally {
    probe.destroy();
  }
}

function checkProfile(profile: string | undefined, env: NodeJS.ProcessEnv): void {
  const named = profile ?? env.AWS_PROFILE;
  if (!named) return;
  const files = sharedProfiles(env);
  if (files.profiles.has(named)) return;
  const known = [...files.profiles];
  throw new TargetError(
    `the AWS profile "${named}" is not in ${files.configPath} or ${files.credentialsPath}` +
      (known.length ? ` (profiles there: ${known.join(', ')})` : '') +
      `: check the name${profile ? ' given to --profile' : ' in AWS_PROFILE'}, or create it with \`aws configure --profile ${named}\``,
  );
}

function makeTarget(parts: Omit<Target, 'clients' | 'journalPath' | 'close'>, stop?: () => Promise<void>) {
  const clients = createClients(parts.clientConfig);
  const target: Target = {
    ...parts,
    clients,
    journalPath: (stackName) =>
      journalPath({
        kind: parts.kind,
        ...(parts.dataDir ? { dataDir: parts.dataDir } : {}),
        ...(parts.endpoint ? { endpoint: parts.endpoint } : {}),
        account: parts.identity.account,
        region: parts.region,
        stackName,
      }),
    async close() {
      clients.destroy();
      await stop?.();
    },
  };
  return target;
}

/** Resolves the target, starting the local cloud for `local`, and checks who we are there. */
export async function openTarget(options: TargetOptions = {}): Promise<Target> {
  const env = options.env ?? process.env;
  const endpoint = checkOptions(options, env);
  if (options.aws || endpoint) return openRemote(options, env, endpoint);
  return openLocal(options);
}

async function openRemote(options: TargetOptions, env: NodeJS.ProcessEnv, endpoint: string | undefined) {
  const kind: TargetKind = endpoint ? 'endpoint' : 'aws';
  checkProfile(options.profile, env);
  const region = await resolveRegion(options, env, endpoint ? DEFAULT_REGION : undefined);
  // An endpoint such as LocalStack takes any key; without configured ones, use placeholders rather than
  // failing on "no credentials".
  const hasCredentials = Boolean(
    options.profile ||
      env.AWS_PROFILE ||
      env.AWS_ACCESS_KEY_ID ||
      sharedProfiles(env).profiles.has('default'),
  );
  const clientConfig: ClientConfig = {
    region,
    ...(endpoint ? { endpoint } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(endpoint && !hasCredentials ? { credentials: LOCAL_CREDENTIALS } : {}),
  };
  const context = {
    kind,
    ...(endpoint ? { endpoint } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
  };
  const identity = await whoAmI(clientConfig, context);
  const description =
    kind === 'aws'
      ? `AWS account ${identity.account} as ${identity.arn}${options.profile ? ` (profile ${options.profile})` : ''}, ${region}`
      : `endpoint ${endpoint}, account ${identity.account}, ${region}`;
  return makeTarget({
    kind,
    region,
    ...(endpoint ? { endpoint } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    identity,
    description,
    clientConfig,
  });
}

async function openLocal(options: TargetOptions) {
  const region = options.region ?? DEFAULT_REGION;
  if (options.region) await resolveRegion(options, {});
  const dataDir = options.ephemeral
    ? mkdtempSync(join(tmpdir(), 'kinesis-tui-ephemeral-'))
    : (options.dataDir ?? defaultLocalCloudDir);
  const removeEphemeral = () => {
    if (options.ephemeral) rmSync(dataDir, { recursive: true, force: true });
  };
  let cloud: LocalCloudHandle;
  try {
    cloud = await startLocalCloud({
      dataDir,
      region,
      port: options.localCloud?.port ?? 0,
      ...(options.localCloud?.kinesis ? { kinesis: options.localCloud.kinesis } : {}),
      ...(options.localCloud?.firehosePollMs ? { firehosePollMs: options.localCloud.firehosePollMs } : {}),
    });
  } catch (error) {
    removeEphemeral();
    if (error instanceof LocalCloudStartError) throw new TargetError(error.message);
    throw error;
  }
  const clientConfig: ClientConfig = { region, endpoint: cloud.endpoint, credentials: LOCAL_CREDENTIALS };
  const stop = async () => {
    await cloud.stop();
    removeEphemeral();
  };
  let identity: Identity;
  try {
    identity = await whoAmI(clientConfig, { kind: 'local', endpoint: cloud.endpoint });
  } catch (error) {
    await stop();
    throw error;
  }
  return makeTarget(
    {
      kind: 'local',
      region,
      endpoint: cloud.endpoint,
      dataDir,
      logPath: cloud.logPath,
      identity,
      description: `local cloud at ${cloud.endpoint} (data dir ${dataDir}${options.ephemeral ? ', ephemeral' : ''}), ${region}`,
      clientConfig,
    },
    stop,
  );
}
