import { ValueError, keyFromSeed } from "@axon/core";
import { LogWriter, canonicalJson, logPath, readLog, type LogRecord } from "./log.ts";
import { halvingBudgets, promote, promotedCount } from "./successive-halving.ts";
import { type Config, type SearchSpace, trialSeed } from "./spaces.ts";
import type {
  Evaluation,
  Metrics,
  SearchOptions,
  SearchResult,
  TrialEvent,
  TrialResult,
  TrialStatus,
} from "./types.ts";
import {
  type Executor,
  ObjectiveLoadError,
  errorText,
  isObjectiveModule,
  makeExecutor,
  moduleUrl,
} from "./workers.ts";

/**
 * The engine under `randomSearch` and `gridSearch`: runs a fixed list of configurations (trial i
 * is configs[i]), at one budget or through the rungs of successive halving, in this thread or on
 * worker threads, writing and resuming the log.
 */

type Kind = SearchResult["kind"];

/** Better first: finished trials at the largest budget, by the metric; then failed ones, by index. */
export function rankTrials<C>(trials: readonly TrialResult<C>[], mode: "min" | "max"): TrialResult<C>[] {
  const sign = mode === "min" ? 1 : -1;
  const failed = (t: TrialResult<C>) => t.status === "failed" || !Number.isFinite(t.value);
  return [...trials].sort((a, b) => {
    const fa = failed(a);
    const fb = failed(b);
    if (fa !== fb) return fa ? 1 : -1;
    if (fa) return a.trial - b.trial;
    return b.budget - a.budget || sign * (a.value - b.value) || a.trial - b.trial;
  });
}

/** The objective's return value as metrics, or why it counts as a failure. */
function checkMetrics(raw: unknown, metric: string): { metrics: Metrics; error: string | null } {
  if (typeof raw === "number") raw = { [metric]: raw };
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    return {
      metrics: {},
      error: `the objective must return metrics { [name]: number }, got ${raw === null ? "null" : typeof raw}`,
    };
  const metrics: Metrics = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== "number")
      return { metrics: {}, error: `metric "${k}" must be a number, got ${typeof v}` };
    metrics[k] = v;
  }
  if (!(metric in metrics))
    return {
      metrics,
      error: `metric "${metric}" is missing from the objective's result (it has ${Object.keys(metrics).join(", ") || "nothing"})`,
    };
  const v = metrics[metric];
  if (!Number.isFinite(v)) return { metrics, error: `metric "${metric}" is ${v}` };
  return { metrics, error: null };
}

function checkOptions(who: string, o: SearchOptions<any>) {
  if (o === null || typeof o !== "object")
    throw new ValueError(`${who}: options must be an object, got ${String(o)}`);
  const metric = o.metric ?? "loss";
  if (typeof metric !== "string" || metric === "")
    throw new ValueError(`${who}: metric must be a metric's name, got ${JSON.stringify(metric)}`);
  const mode = o.mode ?? "min";
  if (mode !== "min" && mode !== "max")
    throw new ValueError(`${who}: mode must be "min" or "max", got ${JSON.stringify(mode)}`);
  const concurrency = o.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new ValueError(`${who}: concurrency must be a positive integer, got ${String(concurrency)}`);
  const budget = o.budget ?? 1;
  if (typeof budget !== "number" || !Number.isFinite(budget) || budget <= 0)
    throw new ValueError(`${who}: budget must be a positive number, got ${String(budget)}`);
  if (typeof o.objective === "function") {
    if (concurrency > 1)
      throw new ValueError(
        `${who}: with concurrency ${concurrency} trials run on worker threads, so the objective must be a module export ({ module: new URL("./objective.ts", import.meta.url).href, export: "objective" }) — a function cannot be sent to a thread; got a function`,
      );
  } else if (isObjectiveModule(o.objective)) moduleUrl(who, o.objective);
  else
    throw new ValueError(
      `${who}: objective must be a function or { module, export }, got ${o.objective === null ? "null" : typeof o.objective}`,
    );
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal))
    throw new ValueError(`${who}: signal must be an AbortSignal, got ${typeof o.signal}`);
  return { metric, mode, concurrency, budget } as const;
}

export async function runSearch<C>(
  who: Kind,
  space: SearchSpace,
  configs: Config[],
  seed: number,
  options: SearchOptions<C>,
): Promise<SearchResult<C>> {
  const { metric, mode, concurrency, budget } = checkOptions(who, options);
  keyFromSeed(seed, who);
  const n = configs.length;
  const halving = options.halving;
  const budgets = halving ? halvingBudgets(who, halving, n) : [budget];
  const eta = halving?.eta ?? 3;

  // The log: reuse the lines that match a trial's index, configuration and rung budget.
  const canon = configs.map(canonicalJson);
  const cached = new Map<string, LogRecord>();
  const stoppedLogged = new Set<string>();
  let writer: LogWriter | undefined;
  if (options.log !== undefined) {
    const path = logPath(who, options.log);
    const resume = options.resume ?? true;
    if (resume)
      for (const r of readLog(path)) {
        if (r.trial >= n || r.rung >= budgets.length || r.budget !== budgets[r.rung]) continue;
        if (canonicalJson(r.config) !== canon[r.trial]) continue;
        const key = `${r.trial}|${r.rung}`;
        if (r.status === "stopped") stoppedLogged.add(key);
        else if (r.status === "ok" || !options.retryFailed) cached.set(key, r);
        else cached.delete(key);
      }
    writer = new LogWriter(path, { fresh: !resume });
  }

  // Aborted by the caller's signal, or by a fatal error (the objective cannot be loaded).
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  let fatal: { error: unknown } | undefined;
  let executor: Executor | undefined;

  const evaluations = new Map<number, Evaluation[]>();
  const stopped = new Set<number>();
  let evaluated = 0;
  let resumed = 0;

  const emit = (trial: number, e: Evaluation, fromLog: boolean) => {
    options.onTrial?.({ ...e, trial, config: configs[trial] as C, resumed: fromLog } as TrialEvent<C>);
  };
  const record = (trial: number, e: Evaluation) => {
    const list = evaluations.get(trial) ?? [];
    list.push(e);
    evaluations.set(trial, list);
  };

  const evaluate = async (trial: number, rung: number): Promise<void> => {
    const config = configs[trial];
    const context = { trial, budget: budgets[rung], rung, seed: trialSeed(seed, trial) };
    const t0 = performance.now();
    let raw: unknown;
    let thrown: { error: unknown } | undefined;
    try {
      executor ??= makeExecutor(who, options.objective, concurrency);
      raw = await executor.run({ config, context }, controller.signal);
    } catch (error) {
      if (error instanceof ObjectiveLoadError) throw error;
      thrown = { error };
    }
    const durationMs = Math.round((performance.now() - t0) * 1000) / 1000;
    // A trial that throws once the search is aborted was interrupted, not failed: it runs again on resume.
    if (thrown && controller.signal.aborted) return;
    const checked = thrown ? { metrics: {}, error: errorText(thrown.error) } : checkMetrics(raw, metric);
    const e: Evaluation = {
      rung,
      budget: budgets[rung],
      status: checked.error === null ? "ok" : "failed",
      metrics: checked.metrics,
      error: checked.error,
      durationMs,
    };
    writer?.append({ trial, config, ...e, finishedAt: new Date().toISOString() });
    record(trial, e);
    evaluated++;
    emit(trial, e, false);
  };

  /** Runs the rung's trials that the log does not have, `concurrency` at a time, in index order. */
  const runRung = async (rung: number, participants: number[]): Promise<void> => {
    const todo: number[] = [];
    for (const t of participants) {
      const r = cached.get(`${t}|${rung}`);
      if (r) {
        const e: Evaluation = {
          rung,
          budget: r.budget,
          status: r.status === "ok" ? "ok" : "failed",
          metrics: r.metrics,
          error: r.error,
          durationMs: r.durationMs,
        };
        record(t, e);
        resumed++;
        emit(t, e, true);
      } else todo.push(t);
    }
    let next = 0;
    const runner = async () => {
      while (next < todo.length && !controller.signal.aborted) {
        const t = todo[next++];
        try {
          await evaluate(t, rung);
        } catch (error) {
          fatal ??= { error };
          controller.abort(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, runner));
  };

  try {
    let participants = Array.from({ length: n }, (_, i) => i);
    for (let rung = 0; rung < budgets.length && participants.length > 0; rung++) {
      if (controller.signal.aborted) break;
      await runRung(rung, participants);
      if (controller.signal.aborted || rung === budgets.length - 1) break;
      const finished = participants
        .map((t) => evaluations.get(t)?.find((e) => e.rung === rung))
        .map((e, i) => ({ trial: participants[i], e }))
        .filter(({ e }) => e?.status === "ok")
        .map(({ trial, e }) => ({ trial, value: e!.metrics[metric] }));
      const promoted = promote(finished, promotedCount(participants.length, eta), mode);
      const kept = new Set(promoted);
      for (const { trial } of finished) {
        if (kept.has(trial)) continue;
        stopped.add(trial);
        const key = `${trial}|${rung + 1}`;
        if (!stoppedLogged.has(key)) {
          const last = evaluations.get(trial)!.at(-1)!;
          writer?.append({
            trial,
            rung: rung + 1,
            budget: budgets[rung + 1],
            config: configs[trial],
            status: "stopped",
            metrics: last.metrics,
            error: null,
            durationMs: 0,
            finishedAt: new Date().toISOString(),
          });
          stoppedLogged.add(key);
        }
      }
      participants = promoted.sort((a, b) => a - b);
    }
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    await executor?.close();
  }
  if (fatal) throw fatal.error;
  if (controller.signal.aborted) throw options.signal?.reason ?? new Error(`${who}: aborted`);

  const trials: TrialResult<C>[] = configs.map((config, trial) => {
    const evals = (evaluations.get(trial) ?? []).sort((a, b) => a.rung - b.rung);
    const last = evals.at(-1)!;
    const status: TrialStatus = last.status === "failed" ? "failed" : stopped.has(trial) ? "stopped" : "ok";
    return {
      trial,
      config: config as C,
      status,
      metrics: last.metrics,
      value: last.metrics[metric] ?? Number.NaN,
      budget: last.budget,
      error: last.error,
      durationMs: evals.reduce((s, e) => s + e.durationMs, 0),
      evaluations: evals,
    };
  });
  const best = rankTrials(trials, mode)[0];
  return {
    kind: who,
    space,
    metric,
    mode,
    seed,
    trials,
    best: best && best.status !== "failed" ? best : undefined,
    budgets,
    evaluated,
    resumed,
  };
}
