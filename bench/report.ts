// results.json and the table: pure, so the harness and its tests share them.
import { type FigureSpec, meets, type Summary, summarize, type Target } from './scenario.js';

export interface Machine {
  cpus: number;
  model: string;
  memoryGiB: number;
  node: string;
  os: string;
  /** 1-minute load average when the bench started and ended (other work on the machine shows here). */
  loadBefore: number;
  loadAfter: number;
}

export interface FigureResult extends Partial<Summary> {
  id: string;
  label: string;
  unit: string;
  samples: number[];
  target?: string;
  digits?: number;
  /** Undefined when the figure has no target or no measurement. */
  met?: boolean;
}

export interface ScenarioResult {
  id: string;
  title: string;
  seconds: number;
  figures: FigureResult[];
  notes: string[];
  /** Why the scenario stopped early (its figures hold what was measured before). */
  error?: string;
}

export interface BenchResults {
  startedAt: string;
  seconds: number;
  machine: Machine;
  settings: { runs: number; scale: number; only?: string[] };
  scenarios: ScenarioResult[];
}

export function targetText(target: Target, unit: string): string {
  const op = { '>=': '≥', '<=': '≤', '<': '<', '>': '>' }[target.op];
  const digits = Number.isInteger(target.value) ? 0 : undefined;
  return `${op} ${formatNumber(target.value, digits)}${unit ? ` ${unit}` : ''}`;
}

export function figureResult(spec: FigureSpec, samples: number[]): FigureResult {
  const summary = summarize(samples);
  return {
    id: spec.id,
    label: spec.label,
    unit: spec.unit,
    samples,
    ...(summary ?? {}),
    ...(spec.target ? { target: targetText(spec.target, spec.unit) } : {}),
    ...(spec.digits !== undefined ? { digits: spec.digits } : {}),
    ...(spec.target && summary ? { met: meets(summary.median, spec.target) } : {}),
  };
}

/** 12,345 for large values; 2 decimals (or `digits`) below 100. */
export function formatNumber(value: number, digits?: number): string {
  const places = digits ?? (Math.abs(value) >= 100 ? 0 : 2);
  return value.toLocaleString('en-US', { minimumFractionDigits: places, maximumFractionDigits: places });
}

function cell(value: number | undefined, digits?: number): string {
  return value === undefined ? '-' : formatNumber(value, digits);
}

function status(figure: FigureResult, failed: boolean): string {
  if (figure.median === undefined) return failed ? 'error' : 'not measured';
  if (figure.met === undefined) return '';
  return figure.met ? 'met' : 'MISSED';
}

/** A Markdown table (readable as plain text too): one row per figure, notes and errors after. */
export function formatTable(results: BenchResults): string {
  const rows: string[][] = [['figure', 'median', 'min', 'max', 'unit', 'target', 'status']];
  const after: string[] = [];
  for (const scenario of results.scenarios) {
    for (const f of scenario.figures) {
      const digits = f.digits;
      rows.push([
        `${scenario.title}: ${f.label}`,
        cell(f.median, digits),
        cell(f.min, digits),
        cell(f.max, digits),
        f.unit,
        f.target ?? '',
        status(f, Boolean(scenario.error)),
      ]);
    }
    if (scenario.error) after.push(`- ${scenario.title}: stopped: ${scenario.error}`);
    for (const note of scenario.notes) after.push(`- ${scenario.title}: ${note}`);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const numeric = new Set([1, 2, 3]);
  const line = (row: string[]) =>
    `| ${row.map((c, i) => (numeric.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  // Spaced like the rows, as Biome formats Markdown tables (the README is linted).
  const rule = `|${widths.map((w, i) => ` ${numeric.has(i) ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w)} `).join('|')}|`;
  const table = [line(rows[0] ?? []), rule, ...rows.slice(1).map(line)];
  return [...table, ...(after.length ? ['', ...after] : [])].join('\n');
}

export function machineLine(machine: Machine): string {
  return (
    `${machine.cpus} × ${machine.model}, ${formatNumber(machine.memoryGiB, 0)} GiB, ${machine.os}, Node ${machine.node}; ` +
    `load average ${formatNumber(machine.loadBefore)} at the start, ${formatNumber(machine.loadAfter)} at the end`
  );
}

export const README_START = '<!-- bench:start -->';
export const README_END = '<!-- bench:end -->';

/** The README with its bench section replaced (or added at the end when it has none). */
export function withBenchSection(readme: string, results: BenchResults, table: string): string {
  const section = [
    README_START,
    `Last run ${results.startedAt.slice(0, 10)} (\`npm run bench\`, ${results.settings.runs} runs, ` +
      `${formatNumber(results.seconds, 0)} s) on ${machineLine(results.machine)}.`,
    '',
    table,
    README_END,
  ].join('\n');
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start >= 0 && end > start)
    return readme.slice(0, start) + section + readme.slice(end + README_END.length);
  return `${readme.trimEnd()}\n\n## Benchmarks\n\n${section}\n`;
}
