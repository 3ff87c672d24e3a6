// The Deploy screen's state outside React: parameter values being edited (checked as typed with the
// template's own constraints), and a deploy's progress from the engine's updates.
import { messageOf } from '../../config/errors.js';
import type { ResourceChange, StackEventLine, StackUpdate } from '../../pipeline/stack.js';
import { checkParameterValue, displayValue, type ParameterField } from '../../template/parameters.js';
import type { WizardSession } from './session.js';
import { RingBuffer, Store } from './store.js';

export interface FieldView {
  field: ParameterField;
  /** The value shown: the user's, else the stack's current one, else the default. */
  value: string;
  shown: string;
  edited: boolean;
  /** Why the value is refused, in CloudFormation's words. */
  problem?: string;
}

export interface DeployProgress {
  phase: string;
  /** Resources finished, of `total`. */
  done: number;
  total: number;
  startedAt: number;
  finishedAt?: number;
  /** The latest events, oldest first. */
  events: StackEventLine[];
  /** Resources with an event IN_PROGRESS and none after. */
  inProgress: string[];
  /** Failure reasons, pinned. */
  failures: StackEventLine[];
  changes?: ResourceChange[];
  outcome?: 'created' | 'updated' | 'unchanged' | 'failed';
  error?: string;
  outputs?: Record<string, string | undefined>;
}

export interface DeployView {
  fields: FieldView[];
  progress?: DeployProgress;
  running: boolean;
}

export function fieldViews(
  fields: readonly ParameterField[],
  edits: Readonly<Record<string, string>>,
  current: Readonly<Record<string, string>> = {},
): FieldView[] {
  return fields.map((field) => {
    const edited = Object.hasOwn(edits, field.key);
    const value = edits[field.key] ?? current[field.key] ?? field.default ?? '';
    const problem = checkParameterValue(field.key, field.declaration, value);
    return {
      field,
      value,
      shown: displayValue(field.declaration, value),
      edited,
      ...(problem ? { problem } : {}),
    };
  });
}

export class DeployController {
  readonly store: Store<DeployView>;
  private edits: Record<string, string> = {};
  private events = new RingBuffer<StackEventLine>(200);
  private active = new Map<string, string>();
  private current: Record<string, string> = {};

  constructor(
    private readonly session: WizardSession,
    private readonly fields: readonly ParameterField[],
  ) {
    this.store = new Store<DeployView>({ fields: fieldViews(fields, {}), running: false });
  }

  /** The stack's current parameter values (shown until edited). */
  setCurrent(values: Record<string, string>): void {
    this.current = values;
    this.store.update({ fields: fieldViews(this.fields, this.edits, this.current) });
  }

  edit(key: string, value: string): void {
    this.edits = { ...this.edits, [key]: value };
    this.store.update({ fields: fieldViews(this.fields, this.edits, this.current) });
  }

  undo(key: string): void {
    const { [key]: _, ...rest } = this.edits;
    this.edits = rest;
    this.store.update({ fields: fieldViews(this.fields, this.edits, this.current) });
  }

  /** Deploys with the edited values; refuses (saying why) while a value is invalid. */
  async deploy(replace = false): Promise<void> {
    const view = this.store.get();
    if (view.running) return;
    const invalid = view.fields.find((f) => f.problem);
    const startedAt = Date.now();
    if (invalid) {
      this.store.update({
        progress: {
          phase: 'not deployed',
          done: 0,
          total: 0,
          startedAt,
          events: [],
          inProgress: [],
          failures: [],
          error: invalid.problem ?? '',
        },
      });
      return;
    }
    this.events.clear();
    this.active.clear();
    let progress: DeployProgress = {
      phase: replace ? 'replacing the stack' : 'starting',
      done: 0,
      total: 0,
      startedAt,
      events: [],
      inProgress: [],
      failures: [],
    };
    this.store.update({ running: true, progress });
    const publish = (patch: Partial<DeployProgress>) => {
      progress = { ...progress, ...patch };
      this.store.update({ progress });
    };
    const onUpdate = (update: StackUpdate) => {
      if (update.type === 'phase') publish({ phase: update.message });
      else if (update.type === 'changes') publish({ changes: update.changes });
      else {
        const e = update.event;
        this.events.push(e);
        if (e.type !== 'AWS::CloudFormation::Stack') {
          if (/IN_PROGRESS$/.test(e.status)) this.active.set(e.logicalId, e.status);
          else this.active.delete(e.logicalId);
        }
        publish({
          done: update.done,
          total: update.total,
          events: this.events.newestFirst(50).reverse(),
          inProgress: [...this.active.keys()],
          failures:
            /_FAILED$/.test(e.status) && e.reason && !/cancelled/i.test(e.reason)
              ? [...progress.failures, e]
              : progress.failures,
        });
      }
    };
    try {
      const result = await this.session.deploy({ values: this.edits, replace, onUpdate });
      publish({
        phase: result.action === 'unchanged' ? 'no changes to deploy' : `stack ${result.action}`,
        outcome: result.action,
        outputs: result.stack.outputs,
        finishedAt: Date.now(),
        inProgress: [],
      });
      this.edits = {};
      this.setCurrent(result.stack.parameters);
    } catch (error) {
      const failures = (error as { failures?: StackEventLine[] }).failures;
      publish({
        phase: 'failed',
        outcome: 'failed',
        error: messageOf(error),
        finishedAt: Date.now(),
        inProgress: [],
        ...(failures?.length ? { failures } : {}),
      });
    } finally {
      this.store.update({ running: false });
    }
  }
}
