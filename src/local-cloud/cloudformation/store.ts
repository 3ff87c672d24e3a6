// Stacks on disk: one small JSON file per stack in the service's data dir, written atomically after every
// change, so a restart of the local cloud finds every stack as it last was.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { JsonState } from '../state.js';
import type { Stack } from './model.js';

export class StackStore {
  private readonly files = new Map<string, JsonState<Stack>>();

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.json')) continue;
      const state = new JsonState<Stack>(join(dir, name), undefined as unknown as Stack);
      const stack = state.get();
      if (stack?.StackId) this.files.set(stack.StackId, state);
    }
  }

  all(): Stack[] {
    return [...this.files.values()]
      .map((state) => state.get())
      .sort((a, b) => b.CreationTime.localeCompare(a.CreationTime));
  }

  /** By stack id (any stack, deleted ones too) or by name (only a stack that is not deleted). */
  find(nameOrId: string): Stack | undefined {
    const byId = this.files.get(nameOrId)?.get();
    if (byId) return byId;
    return this.all().find((s) => s.StackName === nameOrId && s.StackStatus !== 'DELETE_COMPLETE');
  }

  /** Persists the stack as it now is; resolves once it is on disk. */
  save(stack: Stack): Promise<void> {
    let state = this.files.get(stack.StackId);
    if (!state) {
      const file = `${stack.StackId.split('/').pop()}.json`;
      state = new JsonState<Stack>(join(this.dir, file), stack);
      this.files.set(stack.StackId, state);
    }
    return state.set(stack);
  }

  /** The live stacks, other than `stackId`, whose templates import the export. */
  importers(exportName: string, stackId?: string): Stack[] {
    return this.all().filter(
      (s) =>
        s.StackStatus !== 'DELETE_COMPLETE' &&
        s.StackId !== stackId &&
        (s.imports ?? []).includes(exportName),
    );
  }

  /** Every export of every live stack, by export name. */
  exports(): Map<string, { value: string; stackId: string }> {
    const found = new Map<string, { value: string; stackId: string }>();
    for (const stack of this.all()) {
      if (stack.StackStatus === 'DELETE_COMPLETE') continue;
      for (const output of stack.Outputs) {
        if (output.ExportName)
          found.set(output.ExportName, { value: output.OutputValue, stackId: stack.StackId });
      }
    }
    return found;
  }
}
