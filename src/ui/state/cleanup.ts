// The Cleanup screen's state outside React: export on or off, the confirmation AWS asks for, the teardown's
// progress (as Deploy shows it), and what was deleted and what remains.
import { refilledText, type TeardownUpdate } from '../../pipeline/teardown.js';
import type { TeardownOutcome } from '../engine.js';
import { bytes, plural } from '../format.js';
import { StackProgress, type StackProgressView, startProgress } from './progress.js';
import type { WizardSession } from './session.js';
import { Store } from './store.js';

export interface CleanupView {
  /** Export every object before deleting. */
  exporting: boolean;
  /** Waiting for the confirming key (AWS only). */
  confirming: boolean;
  running: boolean;
  progress?: StackProgressView;
  result?: TeardownOutcome;
}

export class CleanupController {
  readonly store = new Store<CleanupView>({ exporting: false, confirming: false, running: false });
  private hadStack: boolean;

  constructor(private readonly session: WizardSession) {
    // A stack deployed after a teardown makes that teardown's results old news: they go.
    this.hadStack = Boolean(session.store.get().stack);
    session.store.subscribe(() => {
      const has = Boolean(session.store.get().stack);
      if (has && !this.hadStack && !this.store.get().running) {
        const { progress: _, result: __, ...rest } = this.store.get();
        this.store.set(rest);
      }
      this.hadStack = has;
    });
  }

  toggleExport(): void {
    const view = this.store.get();
    if (!view.running) this.store.update({ exporting: !view.exporting });
  }

  /** The delete key: on AWS it asks for confirmation first; on the local cloud it runs at once. */
  request(): void {
    const view = this.store.get();
    if (view.running) return;
    if (this.session.store.get().target?.kind === 'aws') this.store.update({ confirming: true });
    else void this.run();
  }

  cancel(): void {
    this.store.update({ confirming: false });
  }

  confirm(): void {
    if (this.store.get().confirming) void this.run();
  }

  async run(): Promise<void> {
    const view = this.store.get();
    if (view.running) return;
    this.store.update({ running: true, confirming: false, result: undefined });
    const progress = new StackProgress(startProgress('starting'), (p) => this.store.update({ progress: p }));
    const onUpdate = (update: TeardownUpdate) => {
      if (update.type === 'exported') {
        progress.note(
          `exported ${plural(update.objects, 'object')} (${bytes(update.bytes)}) to ${update.dir}`,
        );
      } else if (update.type === 'emptied') {
        progress.note(`emptied s3://${update.bucket}: ${plural(update.deleted, 'object')} deleted`);
      } else if (update.type === 'refilled') {
        // The first delete's failure is explained and handled: it stays as a note, not as a red line.
        progress.patch({ failures: [] });
        progress.note(refilledText(update.bucket));
      } else progress.apply(update);
    };
    try {
      const result = await this.session.teardown({ export: view.exporting, onUpdate });
      // Every resource is gone, whichever attempt deleted it (a second one counts only what the first left).
      const { total } = progress.current;
      progress.finish({ phase: 'stack deleted', outcome: 'deleted', done: total });
      this.store.update({ result });
    } catch (error) {
      progress.fail(error);
    } finally {
      this.store.update({ running: false });
    }
  }
}
