// What the wizard needs from the pipeline engine, as one object per session. The screens see only this;
// `openEngine` (engine-target.ts) builds it over src/config and src/pipeline, and tests build it over small
// fakes. No AWS calls are made in src/ui: they all sit behind these methods.
import type { Target } from '../config/target.js';
import type { Cause } from '../pipeline/diagnosis/causes.js';
import type { TemplateChoice } from '../pipeline/event-template/bundled.js';
import type { Producer } from '../pipeline/producer.js';
import type { EventsChoice } from '../pipeline/producer-wire.js';
import type { DeployResult, StackUpdate, UpdatePlan } from '../pipeline/stack.js';
import type { StreamSession as PipelineStreamSession } from '../pipeline/stream-session.js';
import type { TeardownResult, TeardownUpdate } from '../pipeline/teardown.js';
import type { DeliveryStreamInfo, Verifier, VerifyReport } from '../pipeline/verify.js';
import type { ParameterField } from '../template/parameters.js';
import type { LogFeed } from './state/logs.js';
import type { MetricsFeed } from './state/metrics.js';

/** Who and where: the target as the header shows it. */
export type TargetSummary = Pick<
  Target,
  'kind' | 'region' | 'endpoint' | 'profile' | 'identity' | 'description' | 'logPath' | 'dataDir'
>;

/** What discovery found in a deployed stack, as the wizard shows it and asks the user to choose from. */
export interface PipelineSummary {
  /** The stack's Kinesis streams (and its delivery streams' sources). */
  streams: string[];
  deliveryStreams: Array<{
    name: string;
    /** The stream it reads. */
    source?: string;
    /** Where it writes (`s3://bucket/prefix`). */
    destination: string;
    status: string;
  }>;
  /** The stack's buckets: what Cleanup empties. */
  buckets: string[];
  /** Resources missing or not usable at this target, each with what will therefore not work. */
  problems: string[];
}

/** The stack as the frame needs it. */
export interface StackSummary {
  name: string;
  status: string;
  reason?: string;
  outputs: Record<string, string | undefined>;
  /** The parameter values it was deployed with. */
  parameters?: Record<string, string>;
  /** What the deployed stack holds (undefined while it is not deployed, or could not be looked at). */
  pipeline?: PipelineSummary;
}

/** Which stream and delivery stream to use when the stack has several (the user's answer). */
export interface PipelinePick {
  stream?: string;
  deliveryStream?: string;
}

/** The producer's controls the Stream screen uses (the engine's Producer fits). */
export type ProducerControls = Pick<
  Producer,
  | 'stats'
  | 'subscribe'
  | 'pause'
  | 'resume'
  | 'setRate'
  | 'burst'
  | 'sendMalformed'
  | 'stop'
  | 'abort'
  | 'run'
>;

/** The engine's stream session as the Stream screen uses it (tests give a fake producer). */
export type StreamSession = Pick<PipelineStreamSession, 'streamName' | 'journalPath' | 'close'> & {
  producer: ProducerControls;
};

export interface WizardEngine {
  readonly target: TargetSummary;
  readonly stackName: string;
  readonly template: TemplateSummary;
  /** The stack now, or undefined when there is none. */
  describeStack(): Promise<StackSummary | undefined>;
  /** Creates or updates the stack from the template, following its events; throws StackFailure. */
  deploy(request: DeployRequest): Promise<DeployResult>;
  /** A producer into the stack's stream (the one picked, when it has several) at `rate` events a second. */
  openStream(
    stack: StackSummary,
    options: { rate: number; events?: EventsChoice; stream?: string },
  ): Promise<StreamSession>;
  /** The event templates to pick from (those that come with kinesis-tui, or the files given), each checked. */
  eventTemplates(paths?: readonly string[]): TemplateChoice[];
  /** The transform's and Firehose's logs (from 30 minutes ago), polled by the Logs view. */
  openLogs(stack: StackSummary): Promise<LogFeed>;
  /** The stack's CloudWatch figures, for the metrics panels. */
  openMetrics(stack: StackSummary): MetricsFeed;
  /** Reads the picked delivery stream's bucket and reconciles it with the journal. */
  openVerification(stack: StackSummary, pick?: PipelinePick): Verification;
  /** Where `teardown` exports to when asked (a folder per teardown is made under it). */
  readonly exportRoot: string;
  /** Export (optional), empty the bucket, delete the stack, following its events; throws StackFailure. */
  teardown(request: TeardownRequest): Promise<TeardownOutcome>;
  /** Stops the local cloud (if one was started) and closes every client. */
  close(): Promise<void>;
}

/** The engine's Verifier (which reads only new objects each check), and what it needs around it. */
export interface Verification extends Pick<Verifier, 'check' | 'readRecords'> {
  /** How often the screen refreshes by itself, ms (AWS is polled less often than the local cloud). */
  readonly pollMs: number;
  /** The delivery stream's buffering, to say what is awaited; undefined when it cannot be described. */
  delivery(): Promise<DeliveryStreamInfo | undefined>;
  /** Why events are missing or failed: the causes found (logs, the delivery stream, metrics), most specific first. */
  diagnose(report: VerifyReport): Promise<Cause[]>;
}

export interface TeardownRequest {
  /** Export every object before deleting (to a new folder under `exportRoot`). */
  export: boolean;
  signal?: AbortSignal;
  onUpdate: (update: TeardownUpdate) => void;
}

export interface TeardownOutcome extends TeardownResult {
  /** Where the objects were exported, when they were. */
  exportDir?: string;
  /** Where the producer's journal was moved (kept for reference; a new stack starts a new one). */
  journalArchived?: string;
  /** What is left afterwards, in words: empty when nothing is. */
  remaining: string[];
}

/** The template as the Deploy screen shows it. */
export interface TemplateSummary {
  resources: Array<{ id: string; type: string }>;
  /** Its parameters in the console's order, with their declarations for as-you-type checks. */
  fields: ParameterField[];
}

export interface DeployRequest {
  /** Parameter values the user set; the others keep the stack's previous value, or the default. */
  values: Record<string, string>;
  /** Delete a stack that cannot be updated (ROLLBACK_COMPLETE, DELETE_FAILED) first. */
  replace?: boolean;
  signal?: AbortSignal;
  onUpdate: (update: StackUpdate) => void;
  /** Asked before an update is executed, with what it changes; false cancels it (nothing changes). */
  confirm?: (plan: UpdatePlan) => Promise<boolean>;
}
