// The runtimes Lambda accepts, with the dates AWS stops letting you create or update functions on them
// (AWS Lambda Developer Guide, "Lambda runtimes", as published in 2026). Dates rather than a fixed list, so a
// runtime stops being accepted here on the day AWS stops accepting it.
import { ServiceError } from '../protocol/common.js';

export type RuntimeFamily = 'nodejs' | 'python' | 'other';

interface RuntimeEntry {
  family: RuntimeFamily;
  /** ISO dates; absent while AWS has announced none. */
  blockCreate?: string;
  blockUpdate?: string;
}

const RUNTIMES: Record<string, RuntimeEntry> = {
  'nodejs24.x': { family: 'nodejs', blockCreate: '2028-06-01', blockUpdate: '2028-07-01' },
  'nodejs22.x': { family: 'nodejs', blockCreate: '2027-06-01', blockUpdate: '2027-07-01' },
  'nodejs20.x': { family: 'nodejs', blockCreate: '2026-06-01', blockUpdate: '2026-07-01' },
  'nodejs18.x': { family: 'nodejs', blockCreate: '2025-09-01', blockUpdate: '2025-10-01' },
  'nodejs16.x': { family: 'nodejs', blockCreate: '2024-06-12', blockUpdate: '2024-07-15' },
  'nodejs14.x': { family: 'nodejs', blockCreate: '2023-12-04', blockUpdate: '2024-01-09' },
  'nodejs12.x': { family: 'nodejs', blockCreate: '2023-03-31', blockUpdate: '2023-04-30' },
  'python3.14': { family: 'python', blockCreate: '2029-07-31', blockUpdate: '2029-08-31' },
  'python3.13': { family: 'python', blockCreate: '2029-07-31', blockUpdate: '2029-08-31' },
  'python3.12': { family: 'python', blockCreate: '2028-11-30', blockUpdate: '2029-01-10' },
  'python3.11': { family: 'python', blockCreate: '2027-07-31', blockUpdate: '2027-08-31' },
  'python3.10': { family: 'python', blockCreate: '2027-02-01', blockUpdate: '2027-03-03' },
  'python3.9': { family: 'python', blockCreate: '2027-02-01', blockUpdate: '2027-03-03' },
  'python3.8': { family: 'python', blockCreate: '2025-02-28', blockUpdate: '2025-03-31' },
  'python3.7': { family: 'python', blockCreate: '2024-01-09', blockUpdate: '2024-02-08' },
  java25: { family: 'other' },
  java21: { family: 'other' },
  java17: { family: 'other' },
  java11: { family: 'other' },
  'java8.al2': { family: 'other' },
  dotnet10: { family: 'other' },
  dotnet8: { family: 'other' },
  'ruby3.4': { family: 'other' },
  'ruby3.3': { family: 'other' },
  'ruby3.2': { family: 'other', blockCreate: '2026-06-01', blockUpdate: '2026-07-01' },
  'provided.al2023': { family: 'other' },
  'provided.al2': { family: 'other' },
};

export function runtimeFamily(runtime: string): RuntimeFamily {
  return RUNTIMES[runtime]?.family ?? 'other';
}

/** The newest runtime of the same language that AWS still accepts: what its refusal recommends. */
function successor(runtime: string, now: number): string | undefined {
  const family = RUNTIMES[runtime]?.family;
  const language = runtime.replace(/[\d.]+(\.x)?$/, '');
  return Object.entries(RUNTIMES).find(
    ([name, entry]) =>
      entry.family === family &&
      name.startsWith(language) &&
      (!entry.blockCreate || Date.parse(entry.blockCreate) > now),
  )?.[0];
}

/** Throws AWS's error when a function may not be created (or updated) on this runtime today. */
export function checkRuntime(runtime: string, phase: 'create' | 'update', now = Date.now()): void {
  const entry = RUNTIMES[runtime];
  if (!entry) {
    throw new ServiceError(
      'InvalidParameterValueException',
      `Value ${runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: ` +
        `[${Object.keys(RUNTIMES).join(', ')}] or be a valid ARN`,
    );
  }
  const blocked = phase === 'create' ? entry.blockCreate : entry.blockUpdate;
  if (blocked && Date.parse(blocked) <= now) {
    const next = successor(runtime, now);
    throw new ServiceError(
      'InvalidParameterValueException',
      `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. ` +
        `We recommend you use the new runtime (${next ?? 'a supported runtime'}) while creating or updating functions.`,
    );
  }
}
