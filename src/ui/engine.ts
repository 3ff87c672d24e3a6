// What the wizard needs from the pipeline engine, as one object per session. The screens see only this;
// `openEngine` (engine-target.ts) builds it over src/config and src/pipeline, and tests build it over small
// fakes. No AWS calls are made in src/ui: they all sit behind these methods.
import type { Target } from '../config/target.js';
import type { Producer } from '../pipeline/producer.js';
import type { DeployResult, StackUpdate } from '../pipeline/stack.js';
import type { StreamSession as PipelineStreamSession } from '../pipeline/stream-session.js';
import type { ParameterField } from '../template/parameters.js';

/** Who and where: the target as the header shows it. */
export type TargetSummary = Pick<
  Target,
  'kind' | 'region' | 'endpoint' | 'profile' | 'identity' | 'description' | 'logPath'
>;

/** The stack as the frame needs it. */
export interface StackSummary {
  name: string;
  status: string;
  reason?: string;
  outputs: Record<string, string | undefined>;
  /** The parameter values it was deployed with. */
  parameters?: Record<string, string>;
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
  /**
   * Steps this engine cannot do on this target, with the reason shown to the user (a service the local
   * cloud does not have yet, say). Empty when everything works.
   */
  readonly unavailable: Partial<Record<'deploy' | 'stream' | 'verify' | 'cleanup', string>>;
  /** The stack now, or undefined when there is none. */
  describeStack(): Promise<StackSummary | undefined>;
  /** Creates or updates the stack from the template, following its events; throws StackFailure. */
  deploy(request: DeployRequest): Promise<DeployResult>;
  /** A producer into the stack's stream at `rate` events a second, journaling for verify. */
  openStream(stack: StackSummary, options: { rate: number }): Promise<StreamSession>;
  /** Stops the local cloud (if one was started) and closes every client. */
  close(): Promise<void>;
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
}
