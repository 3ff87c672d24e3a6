// What provisioners share: waiting for a resource to be ready, as CloudFormation waits, and telling
// "already gone" from a real failure when deleting.

/** Error names the services answer with when what was asked for does not exist. */
const NOT_FOUND = new Set([
  'ResourceNotFoundException',
  'NoSuchEntity',
  'NoSuchEntityException',
  'NoSuchBucket',
  'NoSuchBucketPolicy',
  'NotFound',
]);

export function isNotFound(error: unknown): boolean {
  return NOT_FOUND.has((error as Error)?.name ?? '');
}

/** Runs a delete call; a resource that is already gone counts as deleted. */
export async function deleting(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** How long CloudFormation waits for a resource to stabilize before failing it. */
const STABILIZE_LIMIT_MS = 30 * 60_000;

/**
 * Polls `check` until it returns a value (not undefined), with a short, growing pause between polls.
 * Throws `failure` when the resource will never get there, or when the local cloud stops.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  aborted: () => boolean,
): Promise<T> {
  const started = Date.now();
  let pause = 100;
  while (true) {
    const value = await check();
    if (value !== undefined) return value;
    if (aborted()) throw new Error(`stopped waiting for ${what}: the local cloud is stopping`);
    if (Date.now() - started > STABILIZE_LIMIT_MS) throw new Error(`${what} did not stabilize in 30 minutes`);
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, 1000);
  }
}

/** A policy document as IAM and S3 take it: JSON text (templates give it as an object or a string). */
export function policyText(document: unknown): string {
  return typeof document === 'string' ? document : JSON.stringify(document);
}

/** CloudFormation's Tags list, as most APIs take it. */
export function tagList(tags: unknown): Array<{ Key: string; Value: string }> {
  return Array.isArray(tags) ? (tags as Array<{ Key: string; Value: string }>) : [];
}
