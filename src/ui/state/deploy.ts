// The Deploy screen's state outside React: parameter values being edited (checked as typed with the
// template's own constraints), and a deploy's progress from the engine's updates.
import { checkParameterValue, displayValue, type ParameterField } from '../../template/parameters.js';
import { StackProgress, type StackProgressView, startProgress } from './progress.js';
import type { WizardSession } from './session.js';
import { Store } from './store.js';

export interface FieldView {
  field: ParameterField;
  /** The value shown: the user's, else the stack's current one, else the default. */
  value: string;
  shown: string;
  edited: boolean;
  /** Why the value is refused, in CloudFormation's words. */
  problem?: string;
}

/** A deploy's progress (the stack progress view Cleanup shares). */
export type DeployProgress = StackProgressView;

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
        progress: { ...startProgress('not deployed', startedAt), error: invalid.problem ?? '' },
      });
      return;
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
      });
      progress.finish({
        phase: result.action === 'unchanged' ? 'no changes to deploy' : `stack ${result.action}`,
        outcome: result.action,
        outputs: result.stack.outputs,
      });
      this.edits = {};
      this.setCurrent(result.stack.parameters);
    } catch (error) {
      progress.fail(error);
    } finally {
      this.store.update({ running: false });
    }
  }
}
