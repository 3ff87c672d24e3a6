// Names: the stack's, and where a target's producer journal lives.
import { join } from 'node:path';
import { InputError } from './errors.js';
import { stateDir } from './paths.js';

export const DEFAULT_STACK_NAME = 'kinesis-tui';

/** CloudFormation's rule for stack names: a letter, then letters, digits and hyphens, 128 at most. */
export function checkStackName(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(name)) {
    throw new InputError(
      `"${name}" is not a valid stack name: use 1-128 letters, digits and hyphens, starting with a letter`,
    );
  }
  return name;
}

/** A file-system-safe form of a name or URL, so every target gets its own folder. */
export function safeSegment(value: string): string {
  return value.replace(/^[a-z]+:\/\//i, '').replace(/[^A-Za-z0-9._-]+/g, '_') || '_';
}

export interface JournalPlace {
  kind: 'local' | 'aws' | 'endpoint';
  /** The local cloud's data dir (local target). */
  dataDir?: string;
  endpoint?: string;
  account: string;
  region: string;
  stackName: string;
}

/**
 * Where the producer journals acknowledged events for one stack: in the local cloud's data dir for the
 * local target (it lives and dies with that cloud's state), under the state dir for AWS and endpoints,
 * keyed by target, account, region and stack so two targets never share a journal.
 */
export function journalPath(place: JournalPlace, root = stateDir): string {
  const file = `${safeSegment(place.stackName)}.ndjson`;
  if (place.kind === 'local' && place.dataDir) return join(place.dataDir, 'journals', place.region, file);
  const target = place.kind === 'aws' ? 'aws' : `endpoint-${safeSegment(place.endpoint ?? 'unknown')}`;
  return join(root, 'journals', target, safeSegment(place.account), place.region, file);
}
