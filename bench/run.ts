// `npm run bench`: runs every registered scenario (or those named with --only), writes bench/results.json
// and prints the table: each figure's median of several runs with min and max, its target and whether the
// median meets it. `--readme` also puts the table in the README. Progress goes to stderr.
//
//   npm run bench -- --runs 5 --only producer,transform --scale 0.5 --readme
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, release, tmpdir, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type BenchResults,
  figureResult,
  formatTable,
  type Machine,
  type ScenarioResult,
  withBenchSection,
} from './report.js';
import type { Scenario, ScenarioContext } from './scenario.js';
import { SCENARIOS } from './scenarios/index.js';

// dist/bench/run.js -> the package root.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const USAGE = `usage: npm run bench -- [--runs N] [--scale X] [--only a,b] [--readme] [--out FILE] [--list]
  --runs N     runs per scenario (default 3, or BENCH_RUNS)
  --scale X    multiplies each timed phase (default 1; 0.5 halves the bench's length, less steady)
  --only a,b   just these scenarios (opt-in ones, such as a soak, run only when named)
  --readme     write the table into README.md's benchmark section
  --out FILE   where the results go (default bench/results.json)
  --list       list the scenarios and stop`;

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function positive(text: string | undefined, what: string, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) fail(`${what} takes a number above 0, not "${text}"`);
  return value;
}

function machine(loadBefore: number): Machine {
  const cpu = cpus();
  return {
    cpus: cpu.length,
    model: cpu[0]?.model.trim() ?? 'unknown CPU',
    memoryGiB: totalmem() / 1024 ** 3,
    node: process.version,
    os: `${type()} ${release()}`,
    loadBefore,
    loadAfter: loadavg()[0] ?? 0,
  };
}

async function runScenario(scenario: Scenario, runs: number, scale: number): Promise<ScenarioResult> {
  const samples = new Map<string, number[]>(scenario.figures.map((f) => [f.id, []]));
  const notes: string[] = [];
  const cleanups: Array<() => unknown> = [];
  const started = performance.now();
  const context: ScenarioContext = {
    runs,
    scale,
    record(id, value) {
      const list = samples.get(id);
      if (!list) throw new Error(`scenario ${scenario.id} has no figure "${id}"`);
      list.push(value);
    },
    note: (text) => notes.push(text),
    log: (text) => process.stderr.write(`[${scenario.id}] ${text}\n`),
    tempDir(prefix) {
      const dir = mkdtempSync(join(tmpdir(), `kinesis-tui-bench-${prefix}-`));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return dir;
    },
    defer: (cleanup) => cleanups.push(cleanup),
  };
  let error: string | undefined;
  try {
    await scenario.run(context);
  } catch (e) {
    error = (e as Error)?.message ?? String(e);
    context.log(`stopped: ${(e as Error)?.stack ?? e}`);
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (e) {
        context.log(`cleanup: ${(e as Error)?.message ?? e}`);
      }
    }
  }
  return {
    id: scenario.id,
    title: scenario.title,
    seconds: (performance.now() - started) / 1000,
    figures: scenario.figures.map((spec) => figureResult(spec, samples.get(spec.id) ?? [])),
    notes,
    ...(error ? { error } : {}),
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string' },
      scale: { type: 'string' },
      only: { type: 'string' },
      readme: { type: 'boolean' },
      out: { type: 'string' },
      list: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.list) {
    for (const s of SCENARIOS)
      process.stdout.write(`${s.id.padEnd(14)} ${s.title}${s.optIn ? ' (opt-in)' : ''}\n`);
    return 0;
  }
  const runs = Math.round(positive(values.runs ?? process.env.BENCH_RUNS, '--runs', 3));
  const scale = positive(values.scale, '--scale', 1);
  const only = values.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const id of only ?? []) {
    if (!SCENARIOS.some((s) => s.id === id))
      fail(`no scenario "${id}"; there are: ${SCENARIOS.map((s) => s.id).join(', ')}`);
  }
  const chosen = SCENARIOS.filter((s) => (only ? only.includes(s.id) : !s.optIn));
  const loadBefore = loadavg()[0] ?? 0;
  const startedAt = new Date().toISOString();
  const started = performance.now();
  process.stderr.write(
    `bench: ${chosen.length} scenarios, ${runs} runs each, on ${cpus().length} CPUs (load ${loadBefore.toFixed(2)}, ` +
      `${Math.round(freemem() / 1024 ** 2)} MiB free)\n`,
  );
  const scenarios: ScenarioResult[] = [];
  for (const scenario of chosen) {
    process.stderr.write(`bench: ${scenario.id}: ${scenario.title}\n`);
    scenarios.push(await runScenario(scenario, runs, scale));
  }
  const results: BenchResults = {
    startedAt,
    seconds: (performance.now() - started) / 1000,
    machine: machine(loadBefore),
    settings: { runs, scale, ...(only ? { only } : {}) },
    scenarios,
  };
  const out = values.out ?? join(ROOT, 'bench', 'results.json');
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  const table = formatTable(results);
  process.stdout.write(`\n${table}\n\nresults: ${out} (${results.seconds.toFixed(0)} s)\n`);
  if (values.readme) {
    const readmePath = join(ROOT, 'README.md');
    writeFileSync(readmePath, withBenchSection(readFileSync(readmePath, 'utf8'), results, table));
    process.stdout.write(`README.md: benchmark section updated\n`);
  }
  return scenarios.some((s) => s.error) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`bench: ${(error as Error)?.stack ?? error}\n`);
    process.exit(1);
  },
);
