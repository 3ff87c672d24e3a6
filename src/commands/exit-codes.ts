// Exit codes every command uses, documented in the README.
export const EXIT = {
  ok: 0,
  /** Something failed that is not one of the kinds below. */
  failure: 1,
  /** Bad arguments or options: the message says which and what is allowed. */
  usage: 2,
  /** The target (AWS, the endpoint, the local cloud) refused or failed: credentials, region, a resource. */
  target: 3,
  /** verify found events missing, or failed processing (duplicates alone are at-least-once delivery). */
  mismatch: 4,
  /** verify had nothing to check: the journal holds no acknowledged event (nothing was streamed yet). */
  nothingSent: 5,
  /** Interrupted (Ctrl-C); what was in flight was finished and reported. */
  interrupted: 130,
} as const;
