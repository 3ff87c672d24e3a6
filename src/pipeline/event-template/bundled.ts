// The templates that come with kinesis-tui (`events/` in the package): examples to start from and what
// the wizard's picker offers next to the built-in events.
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { messageOf } from '../../config/errors.js';
import { loadEventTemplate } from './template.js';

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

/** A template as a picker shows it: its fields and a sample event, or why it cannot be used. */
export interface TemplateChoice {
  name: string;
  path: string;
  fields?: string[];
  sample?: string;
  error?: string;
}

/** Each template at these paths (the bundled ones by default), checked. */
export function templateChoices(paths: readonly string[] = bundledTemplates()): TemplateChoice[] {
  return paths.map((path) => {
    const name = basename(path);
    try {
      const checked = loadEventTemplate(path);
      return {
        name,
        path,
        fields: checked.fields,
        ...(checked.samples[0] ? { sample: checked.samples[0] } : {}),
      };
    } catch (error) {
      return { name, path, error: messageOf(error) };
    }
  });
}
