// The two kinds of failure a user can fix, each with a message that says how. Commands map them to exit
// codes; the wizard shows the message as it is. Anything else is a bug or an outage, reported as it came.

/** Bad input: an option, a parameter, a name. The message says what is allowed. */
export class InputError extends Error {
  override name = 'InputError';
}

/** The target (AWS, an endpoint, the local cloud) refused or failed. The message says what to do. */
export class TargetError extends Error {
  override name = 'TargetError';
}

/** The message of anything thrown, without a stack. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
