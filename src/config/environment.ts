// What the app's own child processes (the local cloud and its backends, the wizard's producer) are started
// with: the user's environment without their AWS credentials. A child that needs to sign requests gets
// its credentials over its IPC channel, so they never sit in a process's environment or on its command line.

const CREDENTIAL_VARIABLES = new Set([
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
]);

export function withoutCredentials(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !CREDENTIAL_VARIABLES.has(name)));
}
