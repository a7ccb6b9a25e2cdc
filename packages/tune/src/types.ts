import type { Config, SearchSpace } from "./spaces.ts";

/** What an objective returns: named numbers, e.g. `{ loss: 0.31, accuracy: 0.91 }`. */
export type Metrics = Record<string, number>;

/** What an objective receives besides the configuration. */
export interface TrialContext {
  /** The trial's index (its configuration is the index-th draw of the seed). */
  trial: number;
  /** How much to train: 1 unless set; with successive halving, the budget of the rung. */
  budget: number;
  /** The successive-halving rung (0 without halving). */
  rung: number;
  /** A 32-bit seed of the trial's own, for initialization and shuffling. */
  seed: number;
  /** Aborted when the search is aborted. */
  signal: AbortSignal;
}

/** An objective function: run in the search's thread (`concurrency: 1`). */
export type ObjectiveFunction<C = Config> = (
  config: C,
  context: TrialContext,
) => Metrics | number | Promise<Metrics | number>;

/**
 * An objective exported by a module, which worker threads can load: `module` is a file URL
 * (`new URL("./objective.ts", import.meta.url).href`) or an absolute path; `.ts` modules are loaded
 * with tsx. `export` defaults to `"objective"`.
 */
export interface ObjectiveModule {
  module: string | URL;
  export?: string;
}

export type Objective<C = Config> = ObjectiveFunction<C> | ObjectiveModule;

export type TrialStatus = "ok" | "failed" | "stopped";

/** One evaluation of a trial at one budget (one line of the log). */
export interface Evaluation {
  rung: number;
  budget: number;
  status: "ok" | "failed";
  metrics: Metrics;
  error: string | null;
  durationMs: number;
}

/** A trial's outcome: its configuration and its evaluation at the largest budget it reached. */
export interface TrialResult<C = Config> {
  trial: number;
  config: C;
  /** `ok`: finished; `failed`: threw or gave a NaN/infinite metric; `stopped`: left behind by successive halving. */
  status: TrialStatus;
  /** The metrics of its last evaluation (`{}` if it failed before returning any). */
  metrics: Metrics;
  /** The chosen metric of its last evaluation (NaN if missing). */
  value: number;
  /** The budget of its last evaluation. */
  budget: number;
  error: string | null;
  /** The time of all its evaluations, in milliseconds. */
  durationMs: number;
  /** Every evaluation, by rung. */
  evaluations: Evaluation[];
}

export interface SearchResult<C = Config> {
  kind: "randomSearch" | "gridSearch";
  space: SearchSpace;
  metric: string;
  mode: "min" | "max";
  seed: number;
  /** Every trial, by index. */
  trials: TrialResult<C>[];
  /** The best trial at the largest budget reached (undefined if all failed). */
  best: TrialResult<C> | undefined;
  /** The budgets of the successive-halving rungs (one budget without halving). */
  budgets: number[];
  /** Evaluations run by this call, and evaluations taken from the log. */
  evaluated: number;
  resumed: number;
}

/** Successive halving: every trial gets `minBudget`, the best 1/eta of a rung go on with eta times the budget. */
export interface HalvingOptions {
  /** The budget of the first rung (default 1). */
  minBudget?: number;
  /** The factor between rungs, > 1 (default 3). */
  eta?: number;
  /** The largest budget: rungs are minBudget·eta^k ≤ maxBudget. Default: enough rungs to leave one trial. */
  maxBudget?: number;
}

/** Options shared by `randomSearch` and `gridSearch`. */
export interface SearchOptions<C = Config> {
  objective: Objective<C>;
  /** The metric to rank by (default `"loss"`). */
  metric?: string;
  /** Whether smaller (`"min"`, the default) or larger (`"max"`) values of the metric are better. */
  mode?: "min" | "max";
  /** Trials at once; above 1 they run on worker threads and the objective must be an `ObjectiveModule`. */
  concurrency?: number;
  /** A JSON-lines file that gets a line as each evaluation ends; an existing one is resumed. */
  log?: string | URL;
  /** Resume from an existing log (default true); false starts the log afresh. */
  resume?: boolean;
  /** When resuming, run again the trials the log records as failed (default false). */
  retryFailed?: boolean;
  /** The budget given to every trial without halving (default 1). */
  budget?: number;
  halving?: HalvingOptions;
  /** Stops the search: no new trial starts, running ones see their `signal` aborted, the search rejects. */
  signal?: AbortSignal;
  /** Called as each evaluation ends (after its log line is written). */
  onTrial?: (trial: TrialEvent<C>) => void;
}

/** What `onTrial` receives. */
export interface TrialEvent<C = Config> extends Evaluation {
  trial: number;
  config: C;
  /** True when it came from the log instead of running. */
  resumed: boolean;
}
