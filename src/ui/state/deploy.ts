// The Deploy screen's state outside React: parameter values being edited (checked as typed with the
// template's own constraints) over the stack's live values, what an update would change (asked before it
// runs), and an operation's progress from the engine's updates. It follows the session's stack: a deleted
// stack's results go, and its values stay as edits (said so), so the next deploy uses what was typed.
import type { ResourceChange, UpdatePlan } from '../../pipeline/stack.js';
import {
  checkParameterValue,
  displayValue,
  explainParameterProblem,
  type ParameterField,
} from '../../template/parameters.js';
import type { StackSummary } from '../engine.js';
import { StackProgress, type StackProgressView, startProgress } from './progress.js';
import type { WizardSession } from './session.js';
import { Store } from './store.js';

export interface FieldView {
  field: ParameterField;
  /** The value shown: the user's, else the stack's current one, else the default. */
  value: string;
  shown: string;
  edited: boolean;
  /** Why the value is refused, in CloudFormation's words (and the allowed values when there is a list). */
  problem?: string;
}

/** A deploy's progress (the stack progress view Cleanup shares). */
export type DeployProgress = StackProgressView;

/** One parameter an update changes. */
export interface ParameterChange {
  key: string;
  from: string;
  to: string;
}

/** What is about to happen, waiting for y (or n). */
export interface Confirmation {
  /** Creating on AWS (billable), or updating a stack. */
  kind: 'create' | 'update';
  parameters: ParameterChange[];
  /** The change set's resource changes (updates), once CloudFormation has worked them out. */
  changes?: ResourceChange[];
  warnings: string[];
}

export interface DeployView {
  fields: FieldView[];
  /** The operation running, or the last one while the stack it was about still exists. */
  progress?: DeployProgress;
  running: boolean;
  confirm?: Confirmation;
  /** Said once, until the next key: "nothing to update", "update cancelled", values kept from a deleted stack. */
  notice?: string;
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
      ...(problem ? { problem: explainParameterProblem(field.declaration, problem) } : {}),
    };
  });
}

/** The parameters whose value differs from the stack's (or, for a new stack, from the default). */
export function parameterChanges(
  fields: readonly FieldView[],
  current: Readonly<Record<string, string>> | undefined,
): ParameterChange[] {
  return fields.flatMap((f) => {
    const from = current ? (current[f.field.key] ?? '') : (f.field.default ?? '');
    return f.value === from
      ? []
      : [{ key: f.field.key, from: displayValue(f.field.declaration, from), to: f.shown }];
  });
}

export class DeployController {
  readonly store: Store<DeployView>;
  private edits: Record<string, string> = {};
  private current: Record<string, string> = {};
  private answer: ((yes: boolean) => void) | undefined;
  private stack: StackSummary | null | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly session: WizardSession,
    private readonly fields: readonly ParameterField[],
  ) {
    this.store = new Store<DeployView>({ fields: fieldViews(fields, {}), running: false });
    this.unsubscribe = session.store.subscribe(() => this.follow(session.store.get().stack));
    this.follow(session.store.get().stack);
  }

  /** The session's stack changed: its values are shown; when it is gone, its results go and its values stay. */
  private follow(stack: StackSummary | null | undefined): void {
    const previous = this.stack;
    this.stack = stack;
    if (stack?.parameters && stack.parameters !== previous?.parameters) {
      this.current = stack.parameters;
      this.publish();
    } else if (stack === null && previous && !this.store.get().running) {
      // Deleted (Cleanup): what it was deployed with becomes the values to deploy next, visibly.
      const kept: Record<string, string> = {};
      for (const f of this.fields) {
        const value = this.current[f.key];
        if (value !== undefined && value !== (f.default ?? '')) kept[f.key] = value;
      }
      this.edits = { ...kept, ...this.edits };
      this.current = {};
      const { progress: _, confirm: __, ...rest } = this.store.get();
      this.store.set({
        ...rest,
        fields: fieldViews(this.fields, this.edits, this.current),
        ...(Object.keys(kept).length
          ? {
              notice: `the deleted stack's values are kept for the next deploy (${Object.keys(kept).join(', ')})`,
            }
          : {}),
      });
    }
  }

  private publish(): void {
    this.store.update({ fields: fieldViews(this.fields, this.edits, this.current) });
  }

  /** Stops following the session (the session is closing). */
  close(): void {
    this.unsubscribe();
    this.answer?.(false);
  }

  edit(key: string, value: string): void {
    this.edits = { ...this.edits, [key]: value };
    this.publish();
  }

  undo(key: string): void {
    const { [key]: _, ...rest } = this.edits;
    this.edits = rest;
    this.publish();
  }

  clearNotice(): void {
    if (this.store.get().notice === undefined) return;
    const { notice: _, ...rest } = this.store.get();
    this.store.set(rest);
  }

  /** The answer to a confirmation: y goes ahead, anything else cancels. */
  respond(yes: boolean): void {
    const answer = this.answer;
    this.answer = undefined;
    const { confirm: _, ...rest } = this.store.get();
    this.store.set(rest);
    answer?.(yes);
  }

  private ask(confirm: Confirmation): Promise<boolean> {
    this.answer?.(false);
    this.store.update({ confirm });
    return new Promise((resolve) => {
      this.answer = resolve;
    });
  }

  /**
   * Deploys with the edited values; refuses (saying why) while a value is invalid. An update shows what it
   * changes (parameters, then the change set's resources) and waits for y; so does a create on AWS.
   */
  async deploy(replace = false): Promise<void> {
    const view = this.store.get();
    if (view.running || view.confirm) return;
    this.clearNotice();
    const invalid = view.fields.find((f) => f.problem);
    const startedAt = Date.now();
    if (invalid) {
      this.store.update({
        progress: { ...startProgress('not deployed', startedAt), error: invalid.problem ?? '' },
      });
      return;
    }
    const stack = this.session.store.get().stack;
    const updating = Boolean(stack) && !replace;
    const parameters = parameterChanges(view.fields, updating ? this.current : undefined);
    if (!updating && this.session.store.get().target?.kind === 'aws') {
      if (!(await this.ask({ kind: 'create', parameters, warnings: [] }))) {
        this.store.update({ notice: 'not deployed: nothing was created' });
        return;
      }
    }
    this.store.update({ running: true });
    const progress = new StackProgress(
      startProgress(replace ? 'replacing the stack' : 'starting', startedAt),
      (view) => this.store.update({ progress: view }),
    );
    try {
      const result = await this.session.deploy({
        values: this.edits,
        replace,
        onUpdate: (update) => progress.apply(update),
        confirm: (plan: UpdatePlan) =>
          this.ask({ kind: 'update', parameters, changes: plan.changes, warnings: plan.warnings }),
      });
      if (result.action === 'cancelled') {
        progress.finish({ phase: 'update cancelled: the change set was deleted, nothing changed' });
        this.store.update({ progress: undefined, notice: 'update cancelled: nothing changed' });
        return;
      }
      progress.finish({
        phase:
          result.action === 'unchanged'
            ? 'nothing to update: the stack already has this template and these values'
            : `stack ${result.action}`,
        outcome: result.action,
        outputs: result.stack.outputs,
      });
      this.edits = {};
      this.current = result.stack.parameters;
      this.publish();
    } catch (error) {
      progress.fail(error);
    } finally {
      this.store.update({ running: false });
    }
  }
}
