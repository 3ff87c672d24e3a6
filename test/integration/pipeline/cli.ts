// Runs the built kinesis-tui binary as a user would, capturing its output and exit code.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(import.meta.dirname, '../../../dist/src/cli.js');

/** Deploy parameters for a quick pipeline: one shard, and Firehose and its transform not buffering. */
export const FAST_PIPELINE = [
  '--param',
  'ShardCount=1',
  '--param',
  'BufferIntervalSeconds=0',
  '--param',
  'ProcessorBufferIntervalSeconds=0',
];

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as NDJSON (for --json runs). */
  json: Array<Record<string, unknown> & { type: string }>;
}

/**
 * An environment without the machine's AWS settings or CI flag (CI changes what the wizard does), so tests
 * do not depend on where they run.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && k !== 'CI') env[k] = v;
  return { ...env, AWS_EC2_METADATA_DISABLED: 'true', ...extra };
}

export function runCli(
  args: string[],
  options: {
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    /** What to run instead of the clone's built binary (e.g. npx in a folder where the package is installed). */
    command?: string[];
    cwd?: string;
    /** Each stdout line as it comes, with a way to signal the process (Ctrl-C is SIGINT). */
    onLine?: (line: string, signal: (name: NodeJS.Signals) => void) => void;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const [program = process.execPath, ...before] = options.command ?? [process.execPath, CLI];
    const child = spawn(program, [...before, ...args], {
      env: options.env ?? cleanEnv(),
      ...(options.cwd ? { cwd: options.cwd } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.on('data', (d: Buffer) => {
      const text = d.toString('utf8');
      stdout += text;
      partial += text;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) options.onLine?.(line, (name) => child.kill(name));
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const json = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as CliResult['json'][number]);
      resolve({ code, stdout, stderr, json });
    });
  });
}
