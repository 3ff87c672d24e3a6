// The templates that come with kinesis-tui (`events/` in the package): examples to start from and what
// the wizard's picker offers next to the built-in events.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** events/, from the compiled package (dist/src/pipeline/event-template) or the sources. */
export function bundledTemplatesDir(): string {
  const here = import.meta.url;
  return fileURLToPath(new URL(here.includes('/dist/') ? '../../../../events/' : '../../../events/', here));
}

/** The bundled templates' paths, by name. */
export function bundledTemplates(): string[] {
  const dir = bundledTemplatesDir();
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}
