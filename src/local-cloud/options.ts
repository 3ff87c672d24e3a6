// What a local cloud is started with. The same options reach it from the CLI (`kinesis-tui local-cloud`),
// from the wizard and from tests (through startLocalCloud, which passes them to the child process).

/** The account every local resource belongs to (the value other emulators use, so ARNs look familiar). */
export const LOCAL_ACCOUNT_ID = '000000000000';
export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_PORT = 4566;

export interface LocalCloudOptions {
  /** 0 picks a free port. */
  port: number;
  /** Where every service keeps its state; created 0700 when missing. */
  dataDir: string;
  region: string;
  kinesis: {
    /** Per-shard write limits and the 500-records-a-call cap, as AWS enforces them. */
    enforceLimits: boolean;
    /** Fraction (0-1) of PutRecords entries that fail with InternalFailure: fault injection for tests. */
    failureRate: number;
    /** How long a SubscribeToShard subscription lasts, in ms (AWS: 5 minutes); tests shorten it. */
    subscriptionMs?: number;
  };
  /** How fast Firehose polls each shard, in ms (AWS: about once a second). */
  firehosePollMs: number;
  /**
   * Services left out, to play an endpoint that implements AWS only in part: their APIs are not served.
   * With `firehose` left out, CloudFormation still reports delivery streams CREATE_COMPLETE without making
   * them, as moto's server does: what the app must notice and say (issue 12).
   */
  without?: string[];
}

/** The services that can be left out (`without`). */
export const OPTIONAL_SERVICES = ['firehose'] as const;

export function defaultOptions(
  overrides: Partial<LocalCloudOptions> & Pick<LocalCloudOptions, 'dataDir'>,
): LocalCloudOptions {
  return {
    port: DEFAULT_PORT,
    region: DEFAULT_REGION,
    firehosePollMs: 1000,
    ...overrides,
    kinesis: { enforceLimits: true, failureRate: 0, ...overrides.kinesis },
  };
}
