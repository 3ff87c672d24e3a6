// What a benchmark scenario is, and the figures it reports. The harness (run.ts) runs each registered
// scenario, which measures its figures once per run (several runs, so the table can give a median with
// min and max), and compares each median with the figure's target.
//
// A figure that is a ratio (ours against a baseline) is computed within one run, from measurements taken
// in the same process moments apart, so a machine busy with other work slows both sides alike.

/** A target a figure's median is held to. */
export interface Target {
  op: '>=' | '<=' | '<' | '>';
  value: number;
}

export interface FigureSpec {
  /** Stable id in results.json (`scenario.figure`). */
  id: string;
  label: string;
  unit: string;
  target?: Target;
  /** Decimals shown in the table (default: 0 for values of 100 and above, else 2). */
  digits?: number;
}

export interface ScenarioContext {
  /** Runs asked for (each scenario does this many unless it says otherwise in a note). */
  readonly runs: number;
  /** Scales how long each timed phase lasts (1 by default; `--scale 0.5` halves them). */
  readonly scale: number;
  /** Records one measurement of a figure (call once per run). */
  record(figureId: string, value: number): void;
  /** A line of context shown under the scenario's table rows and kept in results.json. */
  note(text: string): void;
  /** Progress for the person watching (stderr). */
  log(text: string): void;
  /** A fresh temporary folder, removed when the scenario ends. */
  tempDir(prefix: string): string;
  /** Registers cleanup run when the scenario ends, even when it fails (last registered, first run). */
  defer(cleanup: () => unknown): void;
}

export interface Scenario {
  id: string;
  title: string;
  figures: FigureSpec[];
  /** Not run by default (too long for the 10-minute budget): run with `--only <id>`. */
  optIn?: boolean;
  run(context: ScenarioContext): Promise<void>;
}

export interface Summary {
  median: number;
  min: number;
  max: number;
}

/** Median (mean of the middle two for an even count), min and max; undefined without samples. */
export function summarize(samples: readonly number[]): Summary | undefined {
  const values = samples.filter((v) => Number.isFinite(v));
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number };
}

export function meets(value: number, target: Target): boolean {
  switch (target.op) {
    case '>=':
      return value >= target.value;
    case '<=':
      return value <= target.value;
    case '<':
      return value < target.value;
    case '>':
      return value > target.value;
  }
}
