// The wizard's session, outside React: the engine once it is open, the stack, which steps are done, and
// the running stream. The App renders its store; screens call its methods. Quitting goes through `close`,
// the one place that drains the producer and stops the local cloud.
import { messageOf } from '../../config/errors.js';
import type { TemplateChoice } from '../../pipeline/event-template/bundled.js';
import type { ProducerSummary } from '../../pipeline/producer.js';
import type { EventsChoice } from '../../pipeline/producer-wire.js';
import type { DeployResult } from '../../pipeline/stack.js';
import { refilledText } from '../../pipeline/teardown.js';
import type {
  DeployRequest,
  PipelinePick,
  StackSummary,
  TargetSummary,
  TeardownOutcome,
  TeardownRequest,
  WizardEngine,
} from '../engine.js';
import { hasBucket, type StepId } from '../steps.js';
import { CleanupController } from './cleanup.js';
import { DeployController } from './deploy.js';
import { LogsController } from './logs.js';
import { MetricsController } from './metrics.js';
import { Store } from './store.js';
import { StreamController } from './stream.js';
import { VerifyController } from './verify.js';

export interface SessionState {
  connection: 'connecting' | 'ready' | 'failed';
  /** Why the target could not be opened, or a call failed in a way the user must see. */
  error?: string;
  target?: TargetSummary;
  stackName: string;
  /** undefined: not looked at yet (or the target cannot say); null: there is none. */
  stack: StackSummary | null | undefined;
  /** Why the stack could not be looked at, when it could not. */
  stackError?: string;
  done: Record<StepId, boolean>;
  /** A stack operation under way (keys for a step it will open wait for it). */
  operation?: 'deploy' | 'teardown';
  /** The stream and delivery stream the user chose, where the stack has several. */
  pick: PipelinePick;
  /** Set while quitting: what is being waited for. */
  closing?: string;
  /** How the session ended or is ending: q, or Ctrl-C (the wizard then exits 130). */
  quit?: 'quit' | 'interrupt';
  /** Events sent this session, over every stream run (stopped ones and the one running at the end). */
  sent: { sent: number; acknowledged: number; failed: number; journalPath?: string };
}

export interface SessionOptions {
  open: () => Promise<WizardEngine>;
  stackName: string;
  /** Debug log: what happened, for the log file (never the screen). */
  log?: (line: string) => void;
}

export class WizardSession {
  readonly store: Store<SessionState>;
  private engine: WizardEngine | undefined;
  private opening: Promise<void> | undefined;
  stream: StreamController | undefined;
  /** What the stream sends: a template (its name and path), or the built-in events when undefined. */
  events: { name: string; choice: EventsChoice } | undefined;
  private deployController: DeployController | undefined;
  private verifyController: VerifyController | undefined;
  private cleanupController: CleanupController | undefined;
  private logsController: Promise<LogsController> | undefined;
  private metricsController: MetricsController | undefined;
  private streamClosing: Promise<void> | undefined;
  private streamOpening: Promise<StreamController> | undefined;
  private closed: Promise<void> | undefined;

  constructor(private readonly options: SessionOptions) {
    this.store = new Store<SessionState>({
      connection: 'connecting',
      stackName: options.stackName,
      stack: undefined,
      done: { deploy: false, stream: false, verify: false, cleanup: false },
      sent: { sent: 0, acknowledged: 0, failed: 0 },
      pick: {},
    });
  }

  /** The template, once the engine is open. */
  get template(): WizardEngine['template'] | undefined {
    return this.engine?.template;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  /** Opens the engine (starting the local cloud for a local target) and looks for the stack. */
  start(): Promise<void> {
    this.opening ??= (async () => {
      try {
        this.engine = await this.options.open();
      } catch (error) {
        this.log(`opening the target failed: ${messageOf(error)}`);
        this.store.update({ connection: 'failed', error: messageOf(error) });
        return;
      }
      this.log(`target: ${this.engine.target.description}`);
      this.store.update({
        connection: 'ready',
        target: this.engine.target,
      });
      await this.refreshStack();
    })();
    return this.opening;
  }

  /** Looks at the stack again (after a deploy or a teardown, and at start). */
  async refreshStack(): Promise<void> {
    const engine = this.engine;
    if (!engine) return;
    try {
      const stack = (await engine.describeStack()) ?? null;
      const { stackError: _, ...rest } = this.store.get();
      this.store.set({
        ...rest,
        stack,
        done: {
          ...this.store.get().done,
          deploy: Boolean(stack && /_COMPLETE$/.test(stack.status) && !/ROLLBACK|DELETE/.test(stack.status)),
        },
      });
    } catch (error) {
      this.log(`describing the stack failed: ${messageOf(error)}`);
      this.store.update({ stack: undefined, stackError: messageOf(error) });
    }
  }

  private endOperation(): void {
    const { operation: _, ...rest } = this.store.get();
    this.store.set(rest);
  }

  markDone(step: StepId, done = true): void {
    const state = this.store.get();
    if (state.done[step] !== done) this.store.update({ done: { ...state.done, [step]: done } });
  }

  /** The Deploy screen's state, kept across visits to the step. */
  get deployment(): DeployController | undefined {
    const template = this.engine?.template;
    if (!template) return undefined;
    this.deployController ??= new DeployController(this, template.fields);
    return this.deployController;
  }

  /** The Verify screen's state, made on first visit for the stack as it is then; undefined before a deploy. */
  get verification(): VerifyController | undefined {
    if (this.verifyController) return this.verifyController;
    const engine = this.engine;
    const stack = this.store.get().stack;
    if (!engine || !stack || !hasBucket(stack)) return undefined;
    this.verifyController = new VerifyController(engine.openVerification(stack, this.store.get().pick), {
      onComplete: () => this.markDone('verify'),
    });
    return this.verifyController;
  }

  /**
   * The user's answer where the stack has several streams or delivery streams. Choosing another stream
   * forgets the delivery stream chosen for the last one; Verify reads afresh.
   */
  choose(pick: PipelinePick): void {
    const current = this.store.get().pick;
    const next = { ...current, ...pick };
    if (pick.stream && pick.stream !== current.stream && !pick.deliveryStream) delete next.deliveryStream;
    this.verifyController?.stop();
    this.verifyController = undefined;
    this.forgetViews();
    this.store.update({ pick: next });
  }

  /**
   * The Logs view's state for the stack as it is, made on first use and kept (its lines too) until the stack
   * changes; the view starts and stops its polling. AWS is polled less often (FilterLogEvents is rate-limited).
   */
  logs(): Promise<LogsController> {
    const engine = this.engine;
    const stack = this.store.get().stack;
    if (!engine || !stack) return Promise.reject(new Error('deploy the stack first'));
    this.logsController ??= engine
      .openLogs(stack)
      .then((feed) => new LogsController(feed, engine.target.kind === 'aws' ? 3000 : 1000));
    // A failed opening is tried again next time.
    this.logsController.catch(() => {
      this.logsController = undefined;
    });
    return this.logsController;
  }

  /** The metrics view's state for the stack as it is (CloudWatch's periods are a minute: read every 10 s). */
  metrics(): MetricsController | undefined {
    const engine = this.engine;
    const stack = this.store.get().stack;
    if (!engine || !stack) return undefined;
    this.metricsController ??= new MetricsController(
      engine.openMetrics(stack),
      engine.target.kind === 'aws' ? 30_000 : 10_000,
    );
    return this.metricsController;
  }

  /** The logs and metrics views read a stack that changed (deployed again, or deleted): start afresh. */
  private forgetViews(): void {
    void this.logsController?.then((c) => c.stop()).catch(() => {});
    this.logsController = undefined;
    this.metricsController?.stop();
    this.metricsController = undefined;
  }

  /** Where Cleanup exports to, once the engine is open. */
  get exportRoot(): string | undefined {
    return this.engine?.exportRoot;
  }

  /** The Cleanup screen's state, kept across visits to the step. */
  get cleanup(): CleanupController {
    this.cleanupController ??= new CleanupController(this);
    return this.cleanupController;
  }

  /** Follows the stack's own events into the header's status while an operation runs. */
  private stackStatusFrom(onUpdate: DeployRequest['onUpdate']): DeployRequest['onUpdate'] {
    return (update) => {
      if (update.type === 'event' && update.event.type === 'AWS::CloudFormation::Stack') {
        const engine = this.engine;
        const current = this.store.get().stack;
        this.store.update({
          stack: {
            name: engine?.stackName ?? this.options.stackName,
            outputs: current?.outputs ?? {},
            status: update.event.status,
          },
        });
      }
      onUpdate(update);
    };
  }

  /**
   * Tears the stack down: the stream stops first (finishing what is in flight), Verify stops reading, then
   * the engine exports (when asked), empties the bucket and deletes the stack. A new deploy starts afresh.
   */
  async teardown(request: TeardownRequest): Promise<TeardownOutcome> {
    const engine = this.engine;
    if (!engine) throw new Error('the target is not open yet');
    if (this.stream) {
      request.onUpdate({ type: 'phase', message: 'stopping the stream (finishing the events in flight)' });
      await this.stopStream();
    }
    this.verifyController?.stop();
    this.verifyController = undefined;
    this.forgetViews();
    this.log(`tearing down ${engine.stackName}${request.export ? ' (exporting first)' : ''}`);
    this.store.update({ operation: 'teardown' });
    try {
      const result = await engine.teardown({
        ...request,
        onUpdate: (update) => {
          if (update.type === 'exported' || update.type === 'emptied' || update.type === 'refilled') {
            request.onUpdate(update);
            if (update.type === 'refilled') this.log(refilledText(update.bucket));
          } else this.stackStatusFrom(request.onUpdate)(update);
        },
      });
      this.log(
        `teardown: ${result.deletedResources.length} resources and ${result.deletedObjects} objects deleted`,
      );
      const done = this.store.get().done;
      // A new stack may hold other streams: what was chosen for this one is forgotten.
      this.store.update({ done: { ...done, stream: false, verify: false, cleanup: true }, pick: {} });
      return result;
    } catch (error) {
      this.log(`teardown failed: ${messageOf(error)}`);
      throw error;
    } finally {
      await this.refreshStack();
      this.endOperation();
    }
  }

  /** Deploys through the engine, then looks at the stack again. */
  async deploy(request: DeployRequest): Promise<DeployResult> {
    const engine = this.engine;
    if (!engine) throw new Error('the target is not open yet');
    this.log(`deploying ${engine.stackName}${request.replace ? ' (replacing it)' : ''}`);
    // The stack keeps its status until CloudFormation's own events say otherwise (an update first waits
    // for a yes, and the stack is as it was meanwhile).
    this.store.update({ operation: 'deploy' });
    try {
      const result = await engine.deploy({ ...request, onUpdate: this.stackStatusFrom(request.onUpdate) });
      this.log(`deploy: ${result.action}, ${result.stack.status}`);
      this.markDone('cleanup', false);
      // A new stack (or new outputs) is verified afresh.
      this.verifyController?.stop();
      this.verifyController = undefined;
      this.forgetViews();
      return result;
    } catch (error) {
      this.log(`deploy failed: ${messageOf(error)}`);
      throw error;
    } finally {
      await this.refreshStack();
      this.endOperation();
    }
  }

  /** The stream controller, started on first use: the producer sends until stopped or the session closes. */
  openStream(rate: number): Promise<StreamController> {
    if (this.stream) return Promise.resolve(this.stream);
    // One stream at a time: a second call while one opens gets that one.
    this.streamOpening ??= this.startStream(rate).finally(() => {
      this.streamOpening = undefined;
    });
    return this.streamOpening;
  }

  private async startStream(rate: number): Promise<StreamController> {
    const engine = this.engine;
    const stack = this.store.get().stack;
    if (!engine || !stack) throw new Error('deploy the stack before streaming');
    const chosen = this.store.get().pick.stream;
    const events = this.events;
    const session = await engine.openStream(stack, {
      rate,
      ...(chosen ? { stream: chosen } : {}),
      ...(events ? { events: events.choice } : {}),
    });
    this.log(
      `streaming ${events ? `events from ${events.choice.path}` : 'the built-in events'} to ${session.streamName} at ${rate}/s; journal ${session.journalPath}`,
    );
    const controller = new StreamController(session, {
      onFirstAck: () => this.markDone('stream'),
      billed: engine.target.kind === 'aws',
    });
    // On AWS every call is billed: the stream waits for the user's first key instead of sending at once.
    controller.start({ sending: engine.target.kind !== 'aws' });
    this.stream = controller;
    return controller;
  }

  /** The templates to pick from (those that come with kinesis-tui, or the files given), each checked. */
  eventTemplates(paths?: readonly string[]): TemplateChoice[] {
    return this.engine?.eventTemplates(paths) ?? [];
  }

  /**
   * Sends other events from now on (a template checked by eventTemplates, or the built-in events): the
   * running stream stops first (finishing what is in flight, journaled), then one starts at the same rate.
   */
  async switchEvents(template: TemplateChoice | undefined, rate: number): Promise<StreamController> {
    if (template?.error) throw new Error(`${template.name}: ${template.error}`);
    await this.stopStream();
    this.events = template ? { name: template.name, choice: { path: template.path } } : undefined;
    return this.openStream(rate);
  }

  private count(summary: ProducerSummary, journalPath: string): void {
    const sent = this.store.get().sent;
    this.store.update({
      sent: {
        sent: sent.sent + summary.sent,
        acknowledged: sent.acknowledged + summary.acknowledged,
        failed: sent.failed + summary.failed,
        journalPath,
      },
    });
  }

  /** Stops the stream (finishing what is in flight) and forgets it. */
  stopStream(): Promise<void> {
    const controller = this.stream;
    if (!controller) return Promise.resolve();
    this.streamClosing ??= controller.stop().then((summary) => {
      this.log(
        `stream stopped: ${summary.sent} sent, ${summary.acknowledged} acknowledged, ${summary.failed} failed`,
      );
      this.count(summary, controller.journalPath);
      this.stream = undefined;
      this.streamClosing = undefined;
    });
    return this.streamClosing;
  }

  /**
   * Quits cleanly: the producer finishes what is in flight, then the engine closes (stopping the local
   * cloud). `force` (a second Ctrl-C) cancels calls in flight instead of waiting for them.
   */
  close(force = false, how: 'quit' | 'interrupt' = 'quit'): Promise<void> {
    if (!this.store.get().quit) this.store.update({ quit: how });
    if (force) this.stream?.abort();
    this.verifyController?.stop();
    this.forgetViews();
    this.closed ??= (async () => {
      if (this.stream) {
        this.store.update({ closing: 'finishing the events in flight (Ctrl-C again to stop at once)' });
        await this.stopStream().catch((error) => this.log(`stopping the stream: ${messageOf(error)}`));
      }
      if (this.opening) await this.opening;
      if (this.engine) {
        this.store.update({
          closing: this.engine.target.kind === 'local' ? 'stopping the local cloud' : 'closing the clients',
        });
        await this.engine.close().catch((error) => this.log(`closing the target: ${messageOf(error)}`));
      }
      this.store.update({ closing: 'done' });
    })();
    return this.closed;
  }
}
